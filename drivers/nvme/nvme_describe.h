/* Decoded diagnostics of a controller, read beside nvme show-regs -H and nvme id-ctrl / id-ns: registers, Identify, namespaces. */
#ifndef NVMETAL_DRIVERS_NVME_DESCRIBE_H
#define NVMETAL_DRIVERS_NVME_DESCRIBE_H

#include "drivers/nvme/nvme.h"
#include "drivers/nvme/nvme_regs.h"

/* Where the lines go, printf-like, one line per call (tap_diag fits). */
typedef void (*nvme_describe_emit)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Calls `each` with every register table the controller has (the CMB ones where CAP.CMBS or
 * CMBSZ says there is a CMB, the PMR ones where CAP.PMRS) and the register's value as it reads
 * now, in nvme_register_tables order. */
void nvme_for_each_register(const struct nvme_controller *c,
                            void (*each)(const struct nvme_register_table *t, uint64_t value,
                                         void *ctx),
                            void *ctx);
/* The same registers raw (each "NAME 0x... FIELD=value ..."), one per line in out[], for a
 * failure's YAML. */
void nvme_format_registers(const struct nvme_controller *c, char *out, unsigned len);
/* The registers as they read now, one line each: "nvme NAME CAP 0x... MQES=0x7ff (+1 = 2048
 * entries) ...". CMB registers only where CAP.CMBS or CMBSZ says there is a CMB, PMR ones only
 * where CAP.PMRS; CMBLOC and CMBSZ that read 0 while CMBMSC.CRE=0 say so. */
void nvme_describe_registers(const struct nvme_controller *c, nvme_describe_emit emit);
/* Identify Controller (c->identity) in a few lines: "nvme NAME SN ... VER 0x00010400 (NVMe
 * 1.4.0)", MDTS in bytes, SQES/CQES/VWC, OACS, ONCS, SGLS, SUBNQN; then, with the CMB set up,
 * CMBLOC and CMBSZ as they read with CMBMSC.CRE=1. No register is read. */
void nvme_describe_controller(const struct nvme_controller *c, const char *name,
                              nvme_describe_emit emit);
/* One namespace: "nvme NAME: 131072 blocks of 512 B (LBA format 0 of 8), NCAP .. NUSE ..",
 * its decoded NSFEAT/FLBAS/MC/DPC/DPS, then every LBA format ("LBAF0 0x00090000 MS=0
 * LBADS=9 (512 B) RP=0 (best), in use"). */
void nvme_describe_namespace(const struct nvme_namespace *ns, const char *name,
                             nvme_describe_emit emit);

#endif
