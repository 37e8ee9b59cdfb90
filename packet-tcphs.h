/* packet-tcphs.h: what the other tcphs epan files need from the dissector. */
#ifndef PACKET_TCPHS_H
#define PACKET_TCPHS_H

#include <glib.h>

void proto_register_tcphs(void);
void proto_reg_handoff_tcphs(void);

/* Name of the tap the dissector feeds with one tcphs_record per analysed
 * TCP segment (statistics and reports listen to it). */
#define TCPHS_TAP_NAME "tcphs"

#endif /* PACKET_TCPHS_H */
