/* packet-tcphs.h: what the other tcphs epan files need from the dissector. */
#ifndef PACKET_TCPHS_H
#define PACKET_TCPHS_H

#include <epan/packet.h>

void proto_register_tcphs(void);
void proto_reg_handoff_tcphs(void);

/* Name of the tap the dissector feeds with one tcphs_record per analysed
 * TCP segment (statistics and reports listen to it). */
#define TCPHS_TAP_NAME "tcphs"

/* Whether the tcphs tap data of this packet was queued on the frame's
 * first read (one-pass tshark: the connection is known up to this frame)
 * rather than a later one (tshark -2's second pass, the GUI's retap: the
 * capture has been analysed to its end).  A tap cannot ask
 * PINFO_FD_VISITED() itself: Wireshark marks a frame visited at the end of
 * its dissection, before the taps run. */
gboolean tcphs_tapped_on_first_read(packet_info *pinfo);

#endif /* PACKET_TCPHS_H */
