#!/bin/sh
# Builds the RPM (packaging/rpm/bron.spec, with rpmbuild) and the Arch
# package (packaging/arch/PKGBUILD, with makepkg) from the tarball that
# packaging/dist.sh makes, then checks each: the files it holds (the
# program, both man pages, the Dutch catalogue, three shell completions)
# and the program taken out of it (--version, a new vault, a redaction).
#
# On Debian, with Debian's rpm and makepkg: neither tool sees the build
# dependencies (they are Debian packages, not RPMs or pacman packages), so
# both run with --nodeps, and the Debian build dependencies are installed
# with apt instead.  makepkg refuses to run as root: as root (CI), both
# builds run as the system user bron-build, created when missing.
# SOURCE_DATE_EPOCH (default: the last commit's time) fixes every date in
# both packages.  Never asks anything.
# usage: packaging/rpm-arch.sh [OUTDIR]     (default: dist/)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
builder=bron-build

fail() {
	echo "rpm-arch: $*" >&2
	exit 1
}
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}
apt_get() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -qq \
		--no-install-recommends "$@" </dev/null
}

# Tools, then bron's build dependencies (packaging/debian/control names
# them for Debian; the spec and the PKGBUILD name them for their systems).
need=""
for pair in rpmbuild:rpm makepkg:makepkg pacman:pacman-package-manager \
	    bsdtar:libarchive-tools fakeroot:fakeroot zstd:zstd \
	    file:file msgunfmt:gettext dpkg-checkbuilddeps:dpkg-dev; do
	command -v "${pair%%:*}" >/dev/null 2>&1 || need="$need ${pair#*:}"
done
if [ -n "$need" ]; then
	command -v apt-get >/dev/null 2>&1 || fail "missing:$need"
	echo "== installing$need"
	apt_get update
	# shellcheck disable=SC2086 # a list of package names
	apt_get install $need
fi
if ! dpkg-checkbuilddeps "$top/packaging/debian/control" 2>/dev/null; then
	apt_get update
	apt_get build-dep "$top/packaging"
fi

export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(cd "$top" && git log -1 --format=%ct)}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
tarball=$(sh "$top/packaging/dist.sh" "$work")
version=$(basename "$tarball" .tar.gz | sed 's/^bron-//')
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
echo "== bron $version, $(basename "$tarball") sha256 $sum"

# The packaging files name the version themselves: they must follow
# CMakeLists.txt.
grep -qx "Version: *$version" "$top/packaging/rpm/bron.spec" ||
	fail "packaging/rpm/bron.spec: Version is not $version"
grep -qx "pkgver=$version" "$top/packaging/arch/PKGBUILD" ||
	fail "packaging/arch/PKGBUILD: pkgver is not $version"
grep -q "bron-$version\.tar\.gz" "$top/packaging/homebrew/bron.rb" ||
	fail "packaging/homebrew/bron.rb: url is not for $version"

# Both builds run as an unprivileged user, in a clean environment (no
# ~/.rpmmacros or ~/.makepkg.conf of anyone's).
mkdir "$work/home"
if [ "$(id -u)" = 0 ]; then
	if ! id -u "$builder" >/dev/null 2>&1; then
		echo "== creating the system user $builder"
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin --user-group "$builder"
	fi
	chown "$builder:" "$work/home"
fi
# as_builder [NAME=VALUE...] COMMAND [ARG...]
as_builder() {
	set -- env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
		HOME="$work/home" LANG=C.UTF-8 SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" "$@"
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$builder" -- "$@"
	else
		"$@"
	fi
}

# has LISTING REGEXES: each extended regex (one a line) matches a whole
# line of the file LISTING.
has() {
	while IFS= read -r re; do
		grep -Eqx -- "$re" "$1" || { cat "$1" >&2; fail "no $re in the package"; }
	done <<EOF
$2
EOF
}
# run_checks TREE NAME: runs the program extracted into TREE/usr.
run_checks() {
	bin="$1/usr/bin/bron"
	got=$("$bin" --version)
	[ "$got" = "bron $version" ] || fail "$2: --version says '$got'"
	echo "$2: $got"
	bash -n "$1/usr/share/bash-completion/completions/bron" ||
		fail "$2: bash completion"
	msgunfmt "$1/usr/share/locale/nl/LC_MESSAGES/bron.mo" >/dev/null ||
		fail "$2: bron.mo is not a catalogue"
	t="$1.run"
	mkdir -m 700 "$t"
	printf '%s\n' 'a long passphrase for the package check' > "$t/pass"
	env -i PATH=/usr/bin:/bin HOME="$t" LC_ALL=C.UTF-8 "$bin" --vault "$t/v.bron" \
		--passphrase-fd 3 init --kdf-memory 8 --kdf-passes 1 \
		3<"$t/pass" >"$t/init" 2>&1 || { cat "$t/init" >&2; fail "$2: init"; }
	grep -q 'Created the vault' "$t/init" || { cat "$t/init" >&2; fail "$2: init"; }
	red=$(echo 'Gisteren sprak ik Jan de Vries in Utrecht.' |
		env -i PATH=/usr/bin:/bin HOME="$t" LC_ALL=C.UTF-8 "$bin" redact)
	case $red in
	*Vries* | *Utrecht*) fail "$2: redact left a name: $red" ;;
	esac
	echo "$2: init and redact ok ($red)"
}
# The files every package must hold (man pages may be compressed).
expect="/usr/bin/bron
/usr/share/man/man1/bron\.1(\.gz|\.xz|\.bz2|\.zst)?
/usr/share/man/man5/bron\.5(\.gz|\.xz|\.bz2|\.zst)?
/usr/share/locale/nl/LC_MESSAGES/bron\.mo
/usr/share/bash-completion/completions/bron
/usr/share/zsh/site-functions/_bron
/usr/share/fish/vendor_completions.d/bron\.fish"

echo "== RPM: rpmbuild -bb --nodeps"
rpmtop="$work/rpm"
mkdir -p "$rpmtop/SOURCES" "$rpmtop/SPECS" "$rpmtop/tmp"
cp "$tarball" "$rpmtop/SOURCES/"
cp "$top/packaging/rpm/bron.spec" "$rpmtop/SPECS/"
if [ "$(id -u)" = 0 ]; then chown -R "$builder:" "$rpmtop"; fi
# _buildhost: the header would otherwise name this machine.  Debian's
# brp-compress needs bash (it runs "read -d" under /bin/sh, which is dash
# here, and so compresses nothing); brp-strip needs file(1).
(cd "$rpmtop" && as_builder rpmbuild -bb --nodeps \
	--define "_topdir $rpmtop" --define "_tmppath $rpmtop/tmp" \
	--define "_buildhost localhost" \
	--define '__brp_compress bash %{_rpmconfigdir}/brp-compress %{?_prefix}' \
	SPECS/bron.spec) \
	>"$work/rpmbuild.log" 2>&1 </dev/null || {
	tail -n 60 "$work/rpmbuild.log" >&2
	fail "rpmbuild failed"
}
rpm=$(ls "$rpmtop"/RPMS/*/bron-"$version"-*.rpm)
cp "$rpm" "$out/"
rpm="$out/$(basename "$rpm")"
echo "built $rpm"
rpm -qlp "$rpm" > "$work/rpm.list"
has "$work/rpm.list" "$expect"
echo "rpm -qlp: $(wc -l < "$work/rpm.list") files, all expected ones there"
mkdir "$work/rpm-x"
bsdtar -xf "$rpm" -C "$work/rpm-x"
run_checks "$work/rpm-x" rpm

echo "== Arch: makepkg --nodeps"
# A fixed folder: makepkg writes the build folder's name into .BUILDINFO,
# so a random one would make every package differ (one run at a time).
arch=/tmp/bron-makepkg
rm -rf "$arch" 2>/dev/null || fail "cannot remove $arch (another user's?)"
mkdir "$arch" || fail "cannot make $arch"
trap 'rm -rf "$work" "$arch"' EXIT
# A copy of the PKGBUILD with the real checksum, the tarball beside it:
# makepkg takes the local file instead of the (placeholder) address.
sed "s/^sha256sums=.*/sha256sums=('$sum')/" "$top/packaging/arch/PKGBUILD" \
	> "$arch/PKGBUILD"
grep -qx "sha256sums=('$sum')" "$arch/PKGBUILD" ||
	fail "could not set the checksum in the PKGBUILD"
cp "$tarball" "$arch/"
if [ "$(id -u)" = 0 ]; then chown -R "$builder:" "$arch"; fi
(cd "$arch" && as_builder PKGEXT=.pkg.tar.zst \
	PACKAGER='bron maintainers <maintainers@users.noreply.r-seed-c754175a.example>' \
	makepkg --nodeps --noconfirm --noprogressbar) \
	>"$work/makepkg.log" 2>&1 </dev/null || {
	tail -n 60 "$work/makepkg.log" >&2
	fail "makepkg failed"
}
pkg=$(ls "$arch"/bron-"$version"-*.pkg.tar.zst)
cp "$pkg" "$out/"
pkg="$out/$(basename "$pkg")"
echo "built $pkg"
tar -tf "$pkg" | sed 's|^|/|' > "$work/arch.list"
has "$work/arch.list" "$expect
/\.PKGINFO
/\.BUILDINFO
/\.MTREE"
echo "tar -tf: $(wc -l < "$work/arch.list") entries, all expected ones there"
mkdir "$work/arch-x"
tar -xf "$pkg" -C "$work/arch-x"
run_checks "$work/arch-x" arch

echo "rpm-arch: both packages built and checked"
