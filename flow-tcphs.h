/* flow-tcphs.h: the tcphs flow type of Wireshark's sequence analysis. */
#ifndef FLOW_TCPHS_H
#define FLOW_TCPHS_H

/* Statistics > Flow Graph > TCP Handshake Analysis, and tshark -z
 * flow,tcphs,standard|network (flow-tcphs.c; 4.0 only, docs/flow-graph.md). */
void register_tcphs_flow(void);

#endif /* FLOW_TCPHS_H */
