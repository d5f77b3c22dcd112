/* Data policy: which namespaces the data cases may read and write, and the SKIP reason where not. */
#include <stdio.h>

#include "drivers/nvme/nvme_format.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_data_guard.h"
#include "tests/suite/suite.h"

const char *ns_data_refusal(const struct suite_context *ctx, struct nvme_controller *c,
                            const struct nvme_namespace *ns, bool writes, char *why, size_t len)
{
    char format[64];
    if (!ns->usable)
        snprintf(why, len, "namespace unusable: %s", ns->problem);
    else if (ns->identity.size_blocks < LBA_AREAS_END)
        snprintf(why, len, "nsid %u has %llu blocks, fewer than the %u of the test LBA map",
                 ns->nsid, (unsigned long long)ns->identity.size_blocks, LBA_AREAS_END);
    else if (ns->identity.metadata_bytes % 8)
        snprintf(why, len, "format %s: metadata is not a multiple of 8 bytes",
                 nvme_format_describe(&ns->identity, format, sizeof(format)));
    else if (writes && ns->csi == NVME_CSI_ZONED)
        snprintf(why, len, "zoned namespace (CSI 02h): written only at a write pointer, by the "
                 "nvme.zns cases");
    else if (writes && !write_allowed(ctx, c))
        snprintf(why, len, "allow_write does not name serial %s: no namespace writes",
                 c->identity.serial);
    /* Last: it reads the namespace, and only where every other reason let the write go. */
    else if (writes && nvme_data_guard(c, ns, ctx->config->allow_write_over_data, why, len))
        return why;
    else
        return NULL;
    return why;
}

bool ns_data_allowed_or_skip(struct suite_case *t, struct nvme_controller *c,
                             const struct nvme_namespace *ns, bool writes)
{
    char why[160];
    if (!ns_data_refusal(t->ctx, c, ns, writes, why, sizeof(why)))
        return true;
    report_skip(t, "%s", why);
    return false;
}

const struct nvme_namespace *nvme_test_namespace(const struct suite_context *ctx,
                                                 struct nvme_controller *c, bool writes)
{
    char why[160];
    for (unsigned i = 0; i < c->namespace_count; i++)
        if (c->namespaces[i].csi == NVME_CSI_NVM &&
            !ns_data_refusal(ctx, c, &c->namespaces[i], writes, why, sizeof(why)))
            return &c->namespaces[i];
    return NULL;
}

const struct nvme_namespace *nvme_test_namespace_or_skip(struct suite_case *t,
                                                         struct nvme_controller *c, bool writes)
{
    const struct nvme_namespace *ns = nvme_test_namespace(t->ctx, c, writes);
    if (ns)
        return ns;
    char why[160];
    if (!c->namespace_count)
        report_skip(t, "no active namespace");
    else if (!ns_data_refusal(t->ctx, c, &c->namespaces[0], writes, why, sizeof(why)))
        report_skip(t, "no conventional (NVM command set) namespace to %s",
                    writes ? "write" : "read");
    else
        report_skip(t, "no namespace the data cases can %s; nsid %u: %s",
                    writes ? "write" : "read", c->namespaces[0].nsid, why);
    return NULL;
}
