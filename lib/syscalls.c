/* newlib system-call glue: stdout/stderr to the console, no files, exit() through the boot flow's hook (sbrk: lib/heap.c). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lib/console.h"
#include "lib/syscalls.h"

#undef errno
extern int errno;

/* x86_64-elf newlib uses the underscore-less names (MISSING_SYSCALL_NAMES). */
int write(int fd, const void *buffer, size_t len);
int read(int fd, void *buffer, size_t len);
int close(int fd);
int fstat(int fd, struct stat *st);
int isatty(int fd);
long lseek(int fd, long offset, int whence);
int kill(int pid, int sig);
int getpid(void);
void _exit(int status);

int write(int fd, const void *buffer, size_t len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    console_write(buffer, len);
    return (int)len;
}

int read(int fd, void *buffer, size_t len)
{
    (void)fd, (void)buffer, (void)len;
    errno = ENOSYS;
    return -1;
}

int close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int fstat(int fd, struct stat *st)
{
    if (fd < 0 || fd > 2) {
        errno = EBADF;
        return -1;
    }
    /* A character device makes newlib line-buffer stdout. */
    st->st_mode = S_IFCHR;
    return 0;
}

int isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

long lseek(int fd, long offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    errno = ESPIPE;
    return -1;
}

int kill(int pid, int sig)
{
    (void)pid, (void)sig;
    errno = EINVAL;
    return -1;
}

int getpid(void)
{
    return 1;
}

static void (*exit_hook)(int status);

void libc_on_exit(void (*hook)(int status))
{
    exit_hook = hook;
}

/* abort() and exit() end here: the boot flow's hook leaves the machine (lib calls nothing of
 * arch/); before it is set, or if it returns, the CPU stops with interrupts off. */
void _exit(int status)
{
    if (exit_hook)
        exit_hook(status);
    for (;;)
        __asm__ volatile("cli; hlt");
}
