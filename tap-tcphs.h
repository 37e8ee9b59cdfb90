/* tap-tcphs.h: the statistics and reports that listen to the tcphs tap. */
#ifndef TAP_TCPHS_H
#define TAP_TCPHS_H

/* Register -z tcphs,tree, tcphs,conns and tcphs,report (and the GUI's
 * Statistics menu entries). */
void register_tcphs_statistics(void);

#endif /* TAP_TCPHS_H */
