/* ws-compat.h: the Wireshark API differences tcphs meets between 4.0 and 4.6.
 *
 * Everything that depends on the Wireshark version the plugin is built
 * against lives here and in plugin.c, behind WIRESHARK_VERSION_* from
 * ws_version.h, so packet-tcphs.c and the taps read the same on every version.
 */
#ifndef TCPHS_WS_COMPAT_H
#define TCPHS_WS_COMPAT_H

#include <ws_version.h>
#include <epan/proto.h>
#include <epan/ftypes/ftypes.h>

#include <string.h>

#define TCPHS_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* 4.0 embeds the fvalue_t in field_info; 4.2 made it a pointer. */
#if TCPHS_WS_AT_LEAST(4, 2)
#define TCPHS_FIELD_FVALUE(fi) ((fi)->value)
#else
#define TCPHS_FIELD_FVALUE(fi) (&(fi)->value)
#endif

/* An unsigned integer field (FT_UINT8 .. FT_UINT32). */
static inline guint32 tcphs_field_uint(field_info *fi)
{
    return fvalue_get_uinteger(TCPHS_FIELD_FVALUE(fi));
}

/* An FT_IPv4 field, as 4 bytes in network order. */
static inline void tcphs_field_ipv4(field_info *fi, guint8 out[4])
{
#if TCPHS_WS_AT_LEAST(4, 2)
    guint32 addr = g_htonl(fvalue_get_ipv4(TCPHS_FIELD_FVALUE(fi))->addr);
#else
    guint32 addr = fvalue_get_uinteger(TCPHS_FIELD_FVALUE(fi));   /* already network order */
#endif
    memcpy(out, &addr, 4);
}

/* An FT_IPv6 field, as 16 bytes. */
static inline void tcphs_field_ipv6(field_info *fi, guint8 out[16])
{
#if TCPHS_WS_AT_LEAST(4, 2)
    memcpy(out, fvalue_get_ipv6(TCPHS_FIELD_FVALUE(fi))->addr.bytes, 16);
#else
    memcpy(out, fvalue_get_bytes(TCPHS_FIELD_FVALUE(fi)), 16);
#endif
}

#endif /* TCPHS_WS_COMPAT_H */
