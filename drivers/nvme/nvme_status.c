/* NVMe completion status to text: a name table by status code type and code, plus the DNR and More flags. */
#include "drivers/nvme/nvme_spec.h"

#include <stdio.h>

/* Status field layout (NVMe 1.4 figure 124, the completion's status word >> 1). */
#define STATUS_SC(status)  ((unsigned)(status) & 0xffu)
#define STATUS_SCT(status) (((unsigned)(status) >> 8) & 0x7u)
#define STATUS_MORE        0x2000u
#define STATUS_DNR         0x4000u

enum status_code_type {
    SCT_GENERIC = 0,
    SCT_COMMAND_SPECIFIC = 1,
    SCT_MEDIA = 2,
};

struct status_name {
    uint8_t sct;
    uint8_t sc;
    const char *name;
};

/* NVMe 1.4 figures 126 (generic, with the NVM command set codes from 0x80), 127 and 128
 * (command specific, NVM command set from 0x80) and 129 (media and data integrity). */
static const struct status_name status_names[] = {
    {SCT_GENERIC, 0x00, "Success"},
    {SCT_GENERIC, 0x01, "Invalid Command Opcode"},
    {SCT_GENERIC, 0x02, "Invalid Field in Command"},
    {SCT_GENERIC, 0x03, "Command ID Conflict"},
    {SCT_GENERIC, 0x04, "Data Transfer Error"},
    {SCT_GENERIC, 0x05, "Commands Aborted due to Power Loss Notification"},
    {SCT_GENERIC, 0x06, "Internal Error"},
    {SCT_GENERIC, 0x07, "Command Abort Requested"},
    {SCT_GENERIC, 0x08, "Command Aborted due to SQ Deletion"},
    {SCT_GENERIC, 0x09, "Command Aborted due to Failed Fused Command"},
    {SCT_GENERIC, 0x0a, "Command Aborted due to Missing Fused Command"},
    {SCT_GENERIC, 0x0b, "Invalid Namespace or Format"},
    {SCT_GENERIC, 0x0c, "Command Sequence Error"},
    {SCT_GENERIC, 0x0d, "Invalid SGL Segment Descriptor"},
    {SCT_GENERIC, 0x0e, "Invalid Number of SGL Descriptors"},
    {SCT_GENERIC, 0x0f, "Data SGL Length Invalid"},
    {SCT_GENERIC, 0x10, "Metadata SGL Length Invalid"},
    {SCT_GENERIC, 0x11, "SGL Descriptor Type Invalid"},
    {SCT_GENERIC, 0x12, "Invalid Use of Controller Memory Buffer"},
    {SCT_GENERIC, 0x13, "PRP Offset Invalid"},
    {SCT_GENERIC, 0x14, "Atomic Write Unit Exceeded"},
    {SCT_GENERIC, 0x15, "Operation Denied"},
    {SCT_GENERIC, 0x16, "SGL Offset Invalid"},
    {SCT_GENERIC, 0x18, "Host Identifier Inconsistent Format"},
    {SCT_GENERIC, 0x19, "Keep Alive Timer Expired"},
    {SCT_GENERIC, 0x1a, "Keep Alive Timeout Invalid"},
    {SCT_GENERIC, 0x1b, "Command Aborted due to Preempt and Abort"},
    {SCT_GENERIC, 0x1c, "Sanitize Failed"},
    {SCT_GENERIC, 0x1d, "Sanitize In Progress"},
    {SCT_GENERIC, 0x1e, "SGL Data Block Granularity Invalid"},
    {SCT_GENERIC, 0x1f, "Command Not Supported for Queue in CMB"},
    {SCT_GENERIC, 0x20, "Namespace is Write Protected"},
    {SCT_GENERIC, 0x21, "Command Interrupted"},
    {SCT_GENERIC, 0x22, "Transient Transport Error"},
    {SCT_GENERIC, 0x80, "LBA Out of Range"},
    {SCT_GENERIC, 0x81, "Capacity Exceeded"},
    {SCT_GENERIC, 0x82, "Namespace Not Ready"},
    {SCT_GENERIC, 0x83, "Reservation Conflict"},
    {SCT_GENERIC, 0x84, "Format In Progress"},

    {SCT_COMMAND_SPECIFIC, 0x00, "Completion Queue Invalid"},
    {SCT_COMMAND_SPECIFIC, 0x01, "Invalid Queue Identifier"},
    {SCT_COMMAND_SPECIFIC, 0x02, "Invalid Queue Size"},
    {SCT_COMMAND_SPECIFIC, 0x03, "Abort Command Limit Exceeded"},
    {SCT_COMMAND_SPECIFIC, 0x05, "Asynchronous Event Request Limit Exceeded"},
    {SCT_COMMAND_SPECIFIC, 0x06, "Invalid Firmware Slot"},
    {SCT_COMMAND_SPECIFIC, 0x07, "Invalid Firmware Image"},
    {SCT_COMMAND_SPECIFIC, 0x08, "Invalid Interrupt Vector"},
    {SCT_COMMAND_SPECIFIC, 0x09, "Invalid Log Page"},
    {SCT_COMMAND_SPECIFIC, 0x0a, "Invalid Format"},
    {SCT_COMMAND_SPECIFIC, 0x0b, "Firmware Activation Requires Conventional Reset"},
    {SCT_COMMAND_SPECIFIC, 0x0c, "Invalid Queue Deletion"},
    {SCT_COMMAND_SPECIFIC, 0x0d, "Feature Identifier Not Saveable"},
    {SCT_COMMAND_SPECIFIC, 0x0e, "Feature Not Changeable"},
    {SCT_COMMAND_SPECIFIC, 0x0f, "Feature Not Namespace Specific"},
    {SCT_COMMAND_SPECIFIC, 0x10, "Firmware Activation Requires NVM Subsystem Reset"},
    {SCT_COMMAND_SPECIFIC, 0x80, "Conflicting Attributes"},
    {SCT_COMMAND_SPECIFIC, 0x81, "Invalid Protection Information"},
    {SCT_COMMAND_SPECIFIC, 0x82, "Attempted Write to Read Only Range"},
    /* Zoned Namespace command set (ZNS 1.0 figure 26). */
    {SCT_COMMAND_SPECIFIC, 0xb8, "Zone Boundary Error"},
    {SCT_COMMAND_SPECIFIC, 0xb9, "Zone Is Full"},
    {SCT_COMMAND_SPECIFIC, 0xba, "Zone Is Read Only"},
    {SCT_COMMAND_SPECIFIC, 0xbb, "Zone Is Offline"},
    {SCT_COMMAND_SPECIFIC, 0xbc, "Zone Invalid Write"},
    {SCT_COMMAND_SPECIFIC, 0xbd, "Too Many Active Zones"},
    {SCT_COMMAND_SPECIFIC, 0xbe, "Too Many Open Zones"},
    {SCT_COMMAND_SPECIFIC, 0xbf, "Invalid Zone State Transition"},

    {SCT_MEDIA, 0x80, "Write Fault"},
    {SCT_MEDIA, 0x81, "Unrecovered Read Error"},
    {SCT_MEDIA, 0x82, "End-to-end Guard Check Error"},
    {SCT_MEDIA, 0x83, "End-to-end Application Tag Check Error"},
    {SCT_MEDIA, 0x84, "End-to-end Reference Tag Check Error"},
    {SCT_MEDIA, 0x85, "Compare Failure"},
    {SCT_MEDIA, 0x86, "Access Denied"},
    {SCT_MEDIA, 0x87, "Deallocated or Unwritten Logical Block"},
};

static const char *status_name(unsigned sct, unsigned sc)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (status_names[i].sct == sct && status_names[i].sc == sc)
            return status_names[i].name;
    return NULL;
}

const char *nvme_status_describe(uint16_t status, char *out, size_t len)
{
    if (len == 0)
        return out;
    unsigned sct = STATUS_SCT(status), sc = STATUS_SC(status);
    const char *name = status_name(sct, sc);
    /* The raw value is printed whole (CRD included) so nothing the controller said is lost. */
    const char *dnr = (status & STATUS_DNR) ? ", DNR" : "";
    const char *more = (status & STATUS_MORE) ? ", More" : "";
    if (name)
        snprintf(out, len, "%s (0x%04x%s%s)", name, (unsigned)status, dnr, more);
    else
        snprintf(out, len, "SCT %u SC 0x%02x (0x%04x%s%s)", sct, sc, (unsigned)status, dnr, more);
    return out;
}
