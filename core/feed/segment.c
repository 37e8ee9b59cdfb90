/* segment.c: comparisons of the addresses and endpoints of tcphs_segment. */
#include "core/feed/segment.h"

#include <string.h>

/* Bytes of tcphs_address.bytes that carry the address for a family. */
static size_t address_width(uint8_t family)
{
    return family == 4 ? 4u : 16u;
}

bool tcphs_address_equal(const tcphs_address *a, const tcphs_address *b)
{
    if (a->family != b->family)
        return false;
    return memcmp(a->bytes, b->bytes, address_width(a->family)) == 0;
}

bool tcphs_endpoint_equal(const tcphs_endpoint *a, const tcphs_endpoint *b)
{
    return a->port == b->port && tcphs_address_equal(&a->addr, &b->addr);
}
