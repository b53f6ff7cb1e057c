# Homebrew formula for bron.  Not ready to publish: the homepage, url and
# sha256 are placeholders until there is a public release (see
# packaging/README.md, which also says what was and was not tested).
#
# Linux only for now: bron uses prctl(2) and <linux/magic.h>, and its CMake
# files pass ELF-only linker flags (-z relro/now), so it does not build on
# macOS yet.
#
# What Homebrew lacks is brought in as resources:
# - zxcvbn-c (no formula found): built as a static library linked into bron;
# - the word lists the redaction lexicon is generated from at build time
#   (Homebrew has no /usr/share/dict): Debian's own packages, so the
#   lexicon is the one the Debian package of bron has.  Only the build reads
#   them; nothing of them is installed.
class Bron < Formula
  desc "Encrypted journal for lived experience, with a redacted supervision view"
  homepage "https://bron.invalid/"
  url "https://releases.bron.invalid/bron-0.1.0.tar.gz"
  sha256 "0000000000000000000000000000000000000000000000000000000000000000"
  license "GPL-3.0-or-later"

  depends_on "cmake" => :build
  depends_on "gettext" => :build
  depends_on "iso-codes" => :build
  depends_on "pkgconf" => :build
  depends_on "libsodium"
  depends_on :linux
  depends_on "readline"
  depends_on "sqlite"

  resource "zxcvbn-c" do
    url "https://github.com/tsyrogit/zxcvbn-c.git",
        tag:      "v2.6",
        revision: "53c411e33b8660c64fa6554d8e9329f02cb7d21e"
  end

  resource "wamerican" do
    url "https://deb.debian.org/debian/pool/main/s/scowl/wamerican_2020.12.07-2_all.deb", using: :nounzip
    sha256 "c8f8e2b2ad0d37bfdd41f0e40f1e4c8e5f907467d768a1d3698b164e9617f0b4"
  end

  resource "wbritish" do
    url "https://deb.debian.org/debian/pool/main/s/scowl/wbritish_2020.12.07-2_all.deb", using: :nounzip
    sha256 "f80571f14aa987ef0d727e2077d4f2abd84adf92492af494e7de04882c53be3f"
  end

  resource "wdutch" do
    url "https://deb.debian.org/debian/pool/main/d/dutch/wdutch_2.20.19-2_all.deb", using: :nounzip
    sha256 "79dc0dbbd9b3e029ba84423a804c635aca87105521962f9b4c3023399c94dc35"
  end

  def install
    zxcvbn = buildpath/"zxcvbn"
    resource("zxcvbn-c").stage do
      # bron is a position-independent executable: the archive must be too.
      system "make", "libzxcvbn.a", "CFLAGS=-O2 -fPIC"
      (zxcvbn/"lib").install "libzxcvbn.a"
      (zxcvbn/"include").install "zxcvbn.h"
    end

    words = buildpath/"words"
    { "wamerican" => "american-english", "wbritish" => "british-english", "wdutch" => "dutch" }.each do |res, list|
      resource(res).stage do
        system "ar", "x", Dir["*.deb"].fetch(0)
        system "tar", "-xf", "data.tar.xz"
        words.install "usr/share/dict/#{list}"
      end
    end

    iso = Formula["iso-codes"].opt_share
    args = %W[
      -DBRON_TESTS=OFF
      -DBRON_BENCH=OFF
      -DBRON_BASH_COMPLETION_DIR=#{bash_completion}
      -DBRON_ZSH_COMPLETION_DIR=#{zsh_completion}
      -DBRON_FISH_COMPLETION_DIR=#{fish_completion}
      -DBRON_WORDS_DUTCH=#{words}/dutch
      -DBRON_WORDS_AMERICAN=#{words}/american-english
      -DBRON_WORDS_BRITISH=#{words}/british-english
      -DBRON_ISO_CODES=#{iso}/iso-codes/json
      -DBRON_ISO_NL_MO=#{iso}/locale/nl/LC_MESSAGES
      -DZXCVBN_LIB=#{zxcvbn}/lib/libzxcvbn.a
      -DZXCVBN_INCLUDE=#{zxcvbn}/include
    ]
    system "cmake", "-S", ".", "-B", "build", *args, *std_cmake_args
    system "cmake", "--build", "build"
    system "cmake", "--install", "build"
    doc.install "README.md", "SECURITY.md", "docs/FORMAT.md", "docs/DATA.md",
                "docs/guide.en.md", "docs/guide.nl.md"
  end

  test do
    assert_equal "bron #{version}", shell_output("#{bin}/bron --version").strip

    (testpath/"pass").write "a long passphrase for the formula test\n"
    output = shell_output("#{bin}/bron --vault #{testpath}/v.bron --passphrase-fd 3 " \
                          "init --kdf-memory 8 --kdf-passes 1 3<#{testpath}/pass 2>&1")
    assert_match "Created the vault", output
    assert_path_exists testpath/"v.bron"

    # The lexicon built from the word lists is in: names and places go.
    redacted = pipe_output("#{bin}/bron redact", "Gisteren sprak ik Jan de Vries in Utrecht.\n", 0)
    refute_match "Utrecht", redacted
    refute_match "Vries", redacted
  end
end
