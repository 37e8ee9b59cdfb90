/* check.h: the few assertions the unit tests need.  A failed check prints
 * where and what, and the test carries on so one run shows every failure;
 * main() returns check_failures() != 0. */
#ifndef TCPHS_CHECK_H
#define TCPHS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failed_count;

static inline int check_failures(void)
{
    if (check_failed_count)
        fprintf(stderr, "%d check(s) failed\n", check_failed_count);
    return check_failed_count;
}

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failed_count++;                                                \
        }                                                                        \
    } while (0)

#define CHECK_INT(actual, expected)                                              \
    do {                                                                         \
        long long check_a_ = (long long)(actual), check_e_ = (long long)(expected); \
        if (check_a_ != check_e_) {                                              \
            fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__, __LINE__, \
                    #actual, check_a_, check_e_);                                \
            check_failed_count++;                                                \
        }                                                                        \
    } while (0)

#define CHECK_STR(actual, expected)                                              \
    do {                                                                         \
        const char *check_a_ = (actual), *check_e_ = (expected);                 \
        if (check_a_ == NULL || strcmp(check_a_, check_e_) != 0) {               \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    #actual, check_a_ ? check_a_ : "(null)", check_e_);          \
            check_failed_count++;                                                \
        }                                                                        \
    } while (0)

#endif /* TCPHS_CHECK_H */
