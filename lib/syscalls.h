/* newlib glue, the exit path: what abort() and exit() do, set by the boot flow. */
#ifndef NVMETAL_LIB_SYSCALLS_H
#define NVMETAL_LIB_SYSCALLS_H

/* `hook` ends the run with the status exit() was given (0 = pass, anything else a bail-out);
 * lib itself calls nothing of arch/, so the boot flow supplies the way out. */
void libc_on_exit(void (*hook)(int status));

#endif
