/* packet-tcphs.h: what the other tcphs epan files need from the dissector. */
#ifndef PACKET_TCPHS_H
#define PACKET_TCPHS_H

#include <glib.h>

void proto_register_tcphs(void);
void proto_reg_handoff_tcphs(void);

/* Statistics and reports on the tcphs tap (tap-tcphs.c). */
void register_tcphs_statistics(void);

/* The tcphs flow type of the sequence analysis (flow-tcphs.c):
 * Statistics > Flow Graph, tshark -z flow,tcphs,... */
void register_tcphs_flow(void);

/* Name of the tap the dissector feeds with one tcphs_record per analysed
 * TCP segment (statistics and reports listen to it). */
#define TCPHS_TAP_NAME "tcphs"

/* TCP segments of the capture read so far whose 20-byte fixed header the
 * snaplen cut (they have no verdict), and the shortest snaplen that would
 * have kept all of those headers. */
void tcphs_cut_headers(guint32 *segments, guint32 *snaplen);

#endif /* PACKET_TCPHS_H */
