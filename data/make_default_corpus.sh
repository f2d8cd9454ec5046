#!/bin/sh
# Rebuilds data/public-domain.txt.gz, the default corpus that `deno task train` uses when it
# is given no --input.
#
# Source: ../shared/data/corpus/public-domain.txt (relative to the repo root), 747,975 words on
# 32,922 lines, lowercased, tokens [a-z0-9]+ separated by single spaces. It holds public domain
# texts only: the US inaugural addresses, the State of the Union addresses, the book of Genesis
# (King James Version and World English Bible) and 8 Shakespeare plays. (The larger
# en-mixed.txt next to it contains material that is not public domain: keep it out of the repo.)
#
# `gzip -9 -n` stores no file name or time stamp, so the output is byte-identical for the same
# input. Usage, from anywhere:  sh data/make_default_corpus.sh [SOURCE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-"$here/../../shared/data/corpus/public-domain.txt"}
out="$here/public-domain.txt.gz"
if [ ! -f "$src" ]; then
  echo "make_default_corpus.sh: $src not found (pass the path of public-domain.txt)" >&2
  exit 1
fi
gzip -9 -n -c "$src" > "$out.tmp"
mv "$out.tmp" "$out"
words=$(gzip -dc "$out" | wc -w)
echo "wrote $out: $(wc -c < "$out") bytes, $words words"
