"""PMR power cycles: one boot with allow_write on and PMR_SHARE as given, on whatever state/ holds."""



def power_cycle_boot(s, name, share):
    c = s.c
    esp = s.esp(name, s.cfg(name, "# %s: %s" % (s.name, name), "allow_write = nvmetal-*"))
    if esp is None:
        c.not_ok("%s: ESP built" % name, "see %s/%s.build.log" % (s.work, name))
        return None
    b = s.boot_qmp(name, {"PMR_SHARE": share}, esp=esp)
    b.extract()
    c.rc("%s: exit code 0 (pass) through isa-debug-exit" % name, b.rc, 0, s.work)
    c.eq("%s: QEMU realized 2 NVMe controllers" % name, len(b.bdfs), 2)
    return b


def expect_power_cycle(c, b, bdf, found, wrote):
    """nvme.pmr.power_cycle on BDF (first pass) passed, and its YAML says what it found: FOUND
    'none' (found: none, no found_generation) or the generation it verified; and that it wrote
    generation WROTE."""
    tap = b.tap
    lines = tap.at("nvme.pmr.power_cycle", bdf)
    line = "\n".join(p.line for p in lines)
    state = tap.yaml("nvme.pmr.power_cycle", bdf, "found")
    fgen = tap.yaml("nvme.pmr.power_cycle", bdf, "found_generation")
    gen = tap.yaml("nvme.pmr.power_cycle", bdf, "generation")
    want_state, want_found = ("none", "") if found == "none" else ("valid", str(found))
    if line.startswith("ok ") and "# SKIP" not in line and state == want_state and fgen == want_found and gen and gen == str(wrote):
        c.ok("%s: %s nvme.pmr.power_cycle found %s, wrote generation %s" % (b.name, bdf, "generation " + fgen if fgen else "no record", gen))
    else:
        c.not_ok("%s: %s nvme.pmr.power_cycle passed, found %s, wrote generation %s" % (b.name, bdf, "no record" if found == "none" else found, wrote),
                 "%s; YAML found '%s', found_generation '%s', generation '%s'" % (line or "not reported", state or "absent", fgen or "absent", gen or "absent"))
