/* Data policy: which namespaces the data cases may read and write, and the SKIP reason where not. */
#include <stdio.h>
#include <string.h>

#include "drivers/nvme/nvme_format.h"
#include "tests/suite/nvme_data.h"
#include "tests/suite/nvme_data_guard.h"
#include "tests/suite/nvme_fixture.h"
#include "tests/suite/suite.h"

const char *ns_data_refusal(const struct suite_context *ctx, struct nvme_controller *c,
                            const struct nvme_namespace *ns, bool writes, char *why, size_t len)
{
    char format[64];
    if (!ns->usable) {
        snprintf(why, len, "namespace unusable: %s", ns->problem);
        return "namespace_unusable";
    }
    if (ns->identity.size_blocks < LBA_AREAS_END) {
        snprintf(why, len, "nsid %u has %llu blocks, fewer than the %u of the test LBA map",
                 ns->nsid, (unsigned long long)ns->identity.size_blocks, LBA_AREAS_END);
        return "namespace_small";
    }
    if (ns->identity.metadata_bytes % 8) {
        snprintf(why, len, "format %s: metadata is not a multiple of 8 bytes",
                 nvme_format_describe(&ns->identity, format, sizeof(format)));
        return "metadata_unaligned";
    }
    if (!writes)
        return NULL;
    if (ns->csi == NVME_CSI_ZONED) {
        snprintf(why, len, "zoned namespace (CSI 02h): written only at a write pointer, by the "
                 "nvme.zns cases");
        return "zoned";
    }
    if (!write_allowed(ctx, c)) {
        snprintf(why, len, "allow_write does not name serial %s: no namespace writes",
                 c->identity.serial);
        return "allow_write";
    }
    /* Last: it reads the namespace, and only where every other reason let the write go. */
    return nvme_data_guard(c, ns, ctx->config->allow_write_over_data, why, len);
}

void ns_refusal_keys(struct suite_case *t, struct nvme_controller *c,
                     const struct nvme_namespace *ns, const char *code)
{
    if (strcmp(code, "namespace_unusable") == 0) {
        report_yaml(t, "problem", "%s", ns->problem);
    } else if (strcmp(code, "allow_write") == 0) {
        write_refusal_keys(t, c, "namespace writes");
    } else if (strcmp(code, "data_found") == 0) {
        const struct nvme_data_verdict *v = nvme_data_guard_look(c, ns);
        if (v)
            report_yaml(t, "found", "%s", v->what);
    }
}

bool ns_data_allowed_or_skip(struct suite_case *t, struct nvme_controller *c,
                             const struct nvme_namespace *ns, bool writes)
{
    char why[160];
    const char *code = ns_data_refusal(t->ctx, c, ns, writes, why, sizeof(why));
    if (!code)
        return true;
    ns_refusal_keys(t, c, ns, code);
    report_skip(t, code, "%s", why);
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
    const char *code = c->namespace_count
                           ? ns_data_refusal(t->ctx, c, &c->namespaces[0], writes, why, sizeof(why))
                           : NULL;
    if (!c->namespace_count) {
        report_skip(t, "no_namespace", "no active namespace");
    } else if (!code) {
        report_skip(t, "not_conventional", "no conventional (NVM command set) namespace to %s",
                    writes ? "write" : "read");
    } else {
        report_yaml(t, "nsid", "%u", c->namespaces[0].nsid);
        ns_refusal_keys(t, c, &c->namespaces[0], code);
        report_skip(t, code, "no namespace the data cases can %s; nsid %u: %s",
                    writes ? "write" : "read", c->namespaces[0].nsid, why);
    }
    return NULL;
}
