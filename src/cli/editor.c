/*
 * editor.c - writing in $EDITOR without leaving plaintext on disk.  The text
 * goes to a 0600 file in a private 0700 directory on a tmpfs
 * ($XDG_RUNTIME_DIR, else /dev/shm); vim-like editors are told to keep no
 * swap, backup, undo or viminfo files; afterwards every file in that
 * directory is overwritten with zeros and removed.  Without a tmpfs, bron
 * refuses rather than write to a real disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"

#define MAX_TEXT (64u << 20)

static int is_tmpfs(const char *dir)
{
	struct statfs sf;
	struct stat st;
	return dir && *dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       statfs(dir, &sf) == 0 &&
	       (sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC);
}

/* Overwrites a file with zeros, flushes, removes it. */
static void shred_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		static const char zeros[4096];
		for (off_t left = st.st_size; left > 0;) {
			size_t n = left > (off_t)sizeof(zeros) ? sizeof(zeros)
			                                       : (size_t)left;
			ssize_t w = write(fd, zeros, n);
			if (w <= 0)
				break;
			left -= w;
		}
		fsync(fd);
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
}

/* Shreds everything in dir (editors may leave files) and removes it. */
static void shred_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[4096];
	while (d && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		shred_file(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static char *read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			break;
		if (len + 1 == cap) {
			if (cap >= MAX_TEXT) {
				bron_secret_free(buf, cap);
				buf = NULL;
				break;
			}
			char *bigger = malloc(cap * 2);
			if (bigger)
				memcpy(bigger, buf, len);
			bron_secret_free(buf, cap);
			buf = bigger;
			cap *= 2;
			continue;
		}
		ssize_t r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			bron_secret_free(buf, cap);
			buf = NULL;
			break;
		}
		if (r == 0) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)r;
	}
	close(fd);
	return buf;
}

/* Runs the editor on path; vim-like editors get their leak-stoppers. */
static int run_editor(const char *editor, const char *path)
{
	const char *base = strrchr(editor, '/');
	base = base ? base + 1 : editor;
	int vimlike = strncmp(base, "vi", 2) == 0 || strncmp(base, "nvim", 4) == 0 ||
	              strncmp(base, "gvim", 4) == 0;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (vimlike && !strchr(editor, ' ')) {
			execlp(editor, editor, "-n", "-i", "NONE", "--cmd",
			       "set noswapfile nobackup nowritebackup noundofile "
			       "viminfo= shada=",
			       path, (char *)NULL);
		} else {
			/* $EDITOR may carry its own arguments, as git allows */
			execl("/bin/sh", "sh", "-c", "$BRON_EDITOR \"$1\"", "editor",
			      path, (char *)NULL);
		}
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int edit_text(const char *initial, char **out)
{
	const char *editor = getenv("VISUAL");
	if (!editor || !*editor)
		editor = getenv("EDITOR");
	if (!editor || !*editor)
		editor = "vi";
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!is_tmpfs(base))
		base = "/dev/shm";
	if (!is_tmpfs(base)) {
		say_error(_("no memory-backed directory (tmpfs) for the editor: "
		            "neither $XDG_RUNTIME_DIR nor /dev/shm is one, and bron "
		            "will not put your text on a disk"));
		return EXIT_IO;
	}
	char dir[4096], path[4200];
	snprintf(dir, sizeof(dir), "%s/bron-edit-XXXXXX", base);
	if (!mkdtemp(dir)) {
		say_error(_("cannot make a private directory in %s: %s"), base,
		          strerror(errno));
		return EXIT_IO;
	}
	snprintf(path, sizeof(path), "%s/entry.txt", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	              0600);
	if (fd < 0 || write_all(fd, initial ? initial : "",
	                        initial ? strlen(initial) : 0) != 0) {
		if (fd >= 0)
			close(fd);
		shred_dir(dir);
		say_error(_("cannot write the text for the editor"));
		return EXIT_IO;
	}
	close(fd);
	setenv("BRON_EDITOR", editor, 1);
	int rc = run_editor(editor, path);
	unsetenv("BRON_EDITOR");
	char *text = rc == 0 ? read_file(path) : NULL;
	shred_dir(dir);
	if (rc != 0) {
		say_error(_("the editor '%s' failed; nothing was saved"), editor);
		return EXIT_NOTHING;
	}
	if (!text) {
		say_error(_("cannot read back the edited text"));
		return EXIT_IO;
	}
	*out = text;
	return EXIT_OK;
}
