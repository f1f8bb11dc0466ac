// arbor's native spawner (Linux): starts a process without waiting for its exec, in a new process group of the
// caller's session, and reports its exec result and its exit from the event loop.
//
// Why not child_process.spawn: libuv blocks the event loop until each child has exec'd, and Node can only give a
// child its own process group by making it a session leader (setsid). With the kernel's autogroup scheduling
// (sched_autogroup_enabled, on by default where processes run outside a CPU cgroup), every new session is a
// scheduling group of its own: fifty booting apps then hold fifty shares of the CPU against the daemon's one, and each
// blocking spawn waits behind them. Measured on a 2-core machine, spawning 50 apps (40 of them Node) from a Node
// process: child_process.spawn 1.12-1.20 s; this spawner 0.28-0.34 s until all had exec'd.
//
// Contract, per child:
//   spawn(file, argv, envp, cwd, stdin, stdout, stderr, ipc, gateHold, gateRelease, onEvent, name) -> pid > 0 once forked, or -errno when the
//   fork or its setup failed (-EINVAL for arguments of the wrong type). The pid is final (exec keeps it) and its process group exists when spawn returns.
//   argv/envp: one string each, every element followed by a NUL ("node\0app.js\0"), so that a spawn costs one N-API
//   call per list rather than one per element.
//   stdin/stdout/stderr/ipc: the fd to dup onto 0/1/2/3, -1 for /dev/null, -2 to leave the slot closed (ipc only).
//   gateHold/gateRelease: -1, or the two ends of a socket pair: the child closes its copy of gateRelease and waits
//   for EOF on gateHold before its exec, so that the parent can release a whole batch of forked children at once.
//   onEvent(kind, value, extra): EVENT_SPAWNED (exec succeeded), then EVENT_EXITED (value: exit code or -1, extra:
//   the signal number or 0); or EVENT_FAILED (value: errno, extra: the stage that failed), then EVENT_EXITED (127).
//   EVENT_SPAWNED or EVENT_FAILED always comes first, and EVENT_EXITED always comes last (the child is reaped).
//   name: the async resource name async_hooks see for onEvent's calls (the resource is onEvent itself).
// The module imports as few N-API functions as it can: the dynamic linker looks each one up in node's table of
// 75,000 symbols, and the kernel's fault-around maps 64 kB of that table into the daemon's RSS for each new page the
// lookups touch. Measured with /proc/<pid>/pagemap in a daemon running 50 apps: 33 imports mapped 1.0 MB, 25 mapped
// 0.56 MB, these 23 map 0.44 MB (hence lists as strings, results as numbers or set on an object the caller passes,
// rather than booleans, arrays, new objects or exceptions).
// Only this module reaps its children (waitpid on their pid alone), so libuv's own SIGCHLD handling, which waits for
// the pids it spawned itself, never takes them.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#define EVENT_SPAWNED 1
#define EVENT_FAILED 2
#define EVENT_EXITED 3

#define SLOT_DEV_NULL -1
#define SLOT_NONE -2

#define STAGE_EXEC 0
#define STAGE_CWD 1
#define STAGE_STDIO 2

typedef struct child {
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  pid_t pid;
  int status_fd;  // read end of the CLOEXEC pipe: EOF once exec succeeded, an errno and a stage if it failed
  int pidfd;      // readable once the child has exited
  uv_poll_t status_poll;
  uv_poll_t exit_poll;
  int status_open;
  int exit_open;
  int open_handles;
} child_t;

static int pidfd_open_(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

// --- the child's side, between fork and exec: async-signal-safe calls only (no malloc, no locks) ---

static void fail_in_child(int status_fd, int stage) {
  int report[2] = {errno, stage};
  ssize_t ignored = write(status_fd, report, sizeof report);
  (void)ignored;
  _exit(127);
}

static void run_child(const char *file, char *const argv[], char *const shell_argv[], char *const envp[], const char *cwd,
                      const int slots[4], int gate_hold, int gate_release, int status_fd) {
  setpgid(0, 0);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; signal_number++) sigaction(signal_number, &action, NULL);
  sigset_t nothing;
  sigemptyset(&nothing);
  sigprocmask(SIG_SETMASK, &nothing, NULL);

  // Every source is first copied above the slots (fd 10 and up), so that no dup2 onto 0-3 can overwrite a source
  // still to be used; dup2 then clears close-on-exec on the slot.
  int source[4];
  for (int fd = 0; fd < 4; fd++) {
    source[fd] = slots[fd];
    if (slots[fd] == SLOT_NONE) continue;
    int from = slots[fd] == SLOT_DEV_NULL ? open("/dev/null", (fd == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC) : slots[fd];
    if (from < 0) fail_in_child(status_fd, STAGE_STDIO);
    source[fd] = fcntl(from, F_DUPFD_CLOEXEC, 10);
    if (source[fd] < 0) fail_in_child(status_fd, STAGE_STDIO);
  }
  for (int fd = 0; fd < 4; fd++) {
    if (slots[fd] != SLOT_NONE && dup2(source[fd], fd) < 0) fail_in_child(status_fd, STAGE_STDIO);
  }
  if (chdir(cwd) != 0) fail_in_child(status_fd, STAGE_CWD);
  // The start gate: wait until the parent closes its end (every child of the batch holds a copy of that end from the
  // fork, so each closes its own first). EOF, or any error, means go.
  if (gate_hold >= 0) {
    if (gate_release >= 0) close(gate_release);
    char ignored;
    while (read(gate_hold, &ignored, 1) < 0 && errno == EINTR) {
    }
  }
  execve(file, argv, envp);
  // Like execvp: a file the kernel cannot load but may execute is a shell script without a #! line.
  if (errno == ENOEXEC) execve("/bin/sh", shell_argv, envp);
  fail_in_child(status_fd, STAGE_EXEC);
}

// --- the parent's side ---

static void call_back(child_t *child, int kind, int value, int extra) {
  napi_env env = child->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver, args[3], ignored;
  if (napi_get_reference_value(env, child->callback, &callback) == napi_ok && napi_get_global(env, &receiver) == napi_ok &&
      napi_create_int32(env, kind, &args[0]) == napi_ok && napi_create_int32(env, value, &args[1]) == napi_ok &&
      napi_create_int32(env, extra, &args[2]) == napi_ok) {
    // make_callback runs the microtasks and nextTicks the callback queued, as Node does after any I/O callback.
    if (napi_make_callback(env, child->context, receiver, callback, 3, args, &ignored) != napi_ok) {
      // A throwing callback is the program's uncaught exception, as it would be from any other I/O callback.
      bool pending = false;
      napi_value error;
      if (napi_is_exception_pending(env, &pending) == napi_ok && pending && napi_get_and_clear_last_exception(env, &error) == napi_ok) {
        napi_fatal_exception(env, error);
      }
    }
  }
  napi_close_handle_scope(env, scope);
}

static void release(child_t *child) {
  if (--child->open_handles > 0) return;
  napi_delete_reference(child->env, child->callback);
  napi_async_destroy(child->env, child->context);
  free(child);
}

static void on_handle_closed(uv_handle_t *handle) { release((child_t *)handle->data); }

// Reads the exec result once (EOF: exec succeeded) and reports it.
static void settle_status(child_t *child) {
  if (!child->status_open) return;
  child->status_open = 0;
  int report[2] = {0, 0};
  ssize_t got;
  do got = read(child->status_fd, report, sizeof report);
  while (got < 0 && errno == EINTR);
  uv_poll_stop(&child->status_poll);
  uv_close((uv_handle_t *)&child->status_poll, on_handle_closed);
  close(child->status_fd);
  if (got == (ssize_t)sizeof report) call_back(child, EVENT_FAILED, report[0], report[1]);
  else if (got == 0) call_back(child, EVENT_SPAWNED, 0, 0);
  else call_back(child, EVENT_FAILED, got < 0 ? errno : EIO, STAGE_EXEC);
}

static void on_status(uv_poll_t *poll, int status, int events) {
  (void)status;
  (void)events;
  settle_status((child_t *)poll->data);
}

static void on_exit_ready(uv_poll_t *poll, int status, int events) {
  (void)status;
  (void)events;
  child_t *child = (child_t *)poll->data;
  int wait_status = 0;
  pid_t reaped;
  do reaped = waitpid(child->pid, &wait_status, WNOHANG);
  while (reaped < 0 && errno == EINTR);
  if (reaped == 0) return;  // not exited after all: keep polling
  // A child that exits before its status was read has closed its end of the pipe: the read cannot block.
  settle_status(child);
  child->exit_open = 0;
  uv_poll_stop(&child->exit_poll);
  uv_close((uv_handle_t *)&child->exit_poll, on_handle_closed);
  close(child->pidfd);
  int code = -1, signal_number = 0;
  if (reaped > 0 && WIFEXITED(wait_status)) code = WEXITSTATUS(wait_status);
  else if (reaped > 0 && WIFSIGNALED(wait_status)) signal_number = WTERMSIG(wait_status);
  call_back(child, EVENT_EXITED, code, signal_number);
}

// --- argument conversion ---

static char *string_of(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static void free_strings(char **strings) {
  if (strings == NULL) return;
  for (char **each = strings; *each != NULL; each++) free(*each);
  free(strings);
}

// A NULL-terminated vector of the strings in `list`, a JS string holding each one followed by a NUL ("a\0b\0"; ""
// is none), with `skip` leading slots left for the caller; or NULL. One N-API call per list, not one per element.
static char **strings_of(napi_env env, napi_value list, uint32_t skip) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, list, NULL, 0, &length) != napi_ok) return NULL;
  size_t count = 0;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  napi_get_value_string_utf8(env, list, text, length + 1, &length);
  for (size_t at = 0; at < length; at++) count += text[at] == '\0';
  if (length > 0 && text[length - 1] != '\0') {
    free(text);
    return NULL;
  }
  char **strings = calloc(count + skip + 1, sizeof(char *));
  if (strings == NULL) {
    free(text);
    return NULL;
  }
  size_t at = 0;
  for (size_t index = 0; index < count; index++) {
    if ((strings[skip + index] = strdup(text + at)) == NULL) {
      for (size_t slot = skip; slot < skip + index; slot++) free(strings[slot]);
      free(strings);
      free(text);
      return NULL;
    }
    at += strlen(text + at) + 1;
  }
  free(text);
  return strings;
}

static napi_value number_value(napi_env env, int number) {
  napi_value value;
  napi_create_int32(env, number, &value);
  return value;
}

static napi_value Spawn(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value args[12];
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != 12) {
    return number_value(env, -EINVAL);
  }
  int gate_hold, gate_release;
  if (napi_get_value_int32(env, args[8], &gate_hold) != napi_ok || napi_get_value_int32(env, args[9], &gate_release) != napi_ok) {
    return number_value(env, -EINVAL);
  }
  int slots[4];
  for (int fd = 0; fd < 4; fd++) {
    if (napi_get_value_int32(env, args[4 + fd], &slots[fd]) != napi_ok) return number_value(env, -EINVAL);
  }

  char *file = string_of(env, args[0]);
  char *cwd = string_of(env, args[3]);
  char **argv = strings_of(env, args[1], 0);
  char **shell_argv = strings_of(env, args[1], 1);  // ["/bin/sh", file, argv[1..]]
  char **envp = strings_of(env, args[2], 0);
  int result = 0;
  if (file == NULL || cwd == NULL || argv == NULL || argv[0] == NULL || shell_argv == NULL || envp == NULL) {
    result = -EINVAL;
    goto done;
  }
  shell_argv[0] = "/bin/sh";
  free(shell_argv[1]);
  shell_argv[1] = strdup(file);
  if (shell_argv[1] == NULL) {
    result = -ENOMEM;
    goto done;
  }

  child_t *child = calloc(1, sizeof(child_t));
  if (child == NULL) {
    result = -ENOMEM;
    goto done;
  }
  int status_pipe[2];
  if (pipe2(status_pipe, O_CLOEXEC) != 0) {
    result = -errno;
    free(child);
    goto done;
  }
  pid_t pid = fork();
  if (pid == 0) run_child(file, argv, shell_argv, envp, cwd, slots, gate_hold, gate_release, status_pipe[1]);
  int fork_errno = errno;
  close(status_pipe[1]);
  if (pid < 0) {
    close(status_pipe[0]);
    free(child);
    result = -fork_errno;
    goto done;
  }
  // Also set from this side, so the group exists before spawn returns, whoever the scheduler runs first
  // (EACCES once the child has exec'd: it made the group itself by then).
  setpgid(pid, pid);
  // A zombie still has its pidfd, and only we reap this pid, so this cannot name another process.
  int pidfd = pidfd_open_(pid);
  uv_loop_t *loop = NULL;
  napi_get_uv_event_loop(env, &loop);
  if (pidfd < 0 || loop == NULL) {
    int why = pidfd < 0 ? errno : EINVAL;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    close(status_pipe[0]);
    if (pidfd >= 0) close(pidfd);
    free(child);
    result = -why;
    goto done;
  }
  child->env = env;
  child->pid = pid;
  child->status_fd = status_pipe[0];
  child->pidfd = pidfd;
  napi_create_reference(env, args[10], 1, &child->callback);
  // async_hooks see the callback as the resource, under the name the caller gave.
  napi_async_init(env, args[10], args[11], &child->context);
  uv_poll_init(loop, &child->status_poll, status_pipe[0]);
  uv_poll_init(loop, &child->exit_poll, pidfd);
  child->status_poll.data = child;
  child->exit_poll.data = child;
  child->status_open = 1;
  child->exit_open = 1;
  child->open_handles = 2;
  uv_poll_start(&child->status_poll, UV_READABLE, on_status);
  uv_poll_start(&child->exit_poll, UV_READABLE, on_exit_ready);
  result = pid;

done:
  free(file);
  free(cwd);
  free_strings(argv);
  if (shell_argv != NULL) {
    for (char **each = shell_argv + 1; *each != NULL; each++) free(*each);  // [0] is the literal "/bin/sh"
    free(shell_argv);
  }
  free_strings(envp);
  return number_value(env, result);
}

// socketpair(into): a connected pair of unix stream sockets, both close-on-exec, for an IPC channel or a start gate,
// stored as into.ours and into.theirs; returns 0, or -errno when the call failed.
static napi_value SocketPair(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value into;
  if (napi_get_cb_info(env, info, &argc, &into, NULL, NULL) != napi_ok || argc != 1) return number_value(env, -EINVAL);
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return number_value(env, -errno);
  if (napi_set_named_property(env, into, "ours", number_value(env, pair[0])) != napi_ok ||
      napi_set_named_property(env, into, "theirs", number_value(env, pair[1])) != napi_ok) {
    close(pair[0]);
    close(pair[1]);
    return number_value(env, -EINVAL);
  }
  return number_value(env, 0);
}

// 1 when this kernel can watch a child through a pidfd (Linux 5.3 and later), else 0.
static napi_value Supported(napi_env env, napi_callback_info info) {
  (void)info;
  int pidfd = pidfd_open_(getpid());
  if (pidfd >= 0) close(pidfd);
  return number_value(env, pidfd >= 0 ? 1 : 0);
}

NAPI_MODULE_INIT() {
  napi_value spawn_function, supported_function, socketpair_function;
  napi_create_function(env, "socketpair", NAPI_AUTO_LENGTH, SocketPair, NULL, &socketpair_function);
  napi_set_named_property(env, exports, "socketpair", socketpair_function);
  napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &spawn_function);
  napi_create_function(env, "supported", NAPI_AUTO_LENGTH, Supported, NULL, &supported_function);
  napi_set_named_property(env, exports, "spawn", spawn_function);
  napi_set_named_property(env, exports, "supported", supported_function);
  return exports;
}
