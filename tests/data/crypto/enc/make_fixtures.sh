#!/bin/sh
# make_fixtures.sh - how the GnuPG-made fixtures in this folder were made.
# Run from this folder; it overwrites the gpg_* files.  Keys have no
# passphrase and never expire; they protect nothing.
set -eu
export GNUPGHOME="$(mktemp -d)"
trap 'gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT
G="gpg --batch --yes --pinentry-mode loopback --passphrase="
$G --quick-gen-key "Enc Test <enc@example.org>" ed25519 sign never
FPR=$(gpg --list-keys --with-colons enc@example.org | awk -F: '/^fpr/{print $10; exit}')
$G --quick-add-key "$FPR" cv25519 encr never
$G --quick-gen-key "Rsa Test <rsa@example.org>" rsa3072 sign never
RFPR=$(gpg --list-keys --with-colons rsa@example.org | awk -F: '/^fpr/{print $10; exit}')
$G --quick-add-key "$RFPR" rsa3072 encr never
$G --export-secret-keys enc@example.org > gpg_cv25519.sec
$G --export-secret-keys rsa@example.org > gpg_rsa3072.sec
printf 'Hello from GnuPG.\nA second line.\n' > gpg_plain.txt
for who in cv25519:enc rsa3072:rsa; do
  name=${who%%:*}; uid=${who#*:}@example.org
  $G --trust-model always -r "$uid" -o "gpg_${name}_seipd.gpg" -e gpg_plain.txt
  $G --trust-model always --rfc2440 --compress-algo none -r "$uid" -o "gpg_${name}_sed.gpg" -e gpg_plain.txt
done
# A compressible text, compressed by gpg with each algorithm.
awk 'BEGIN { for (i = 0; i < 2000; i++) printf "line %d of the Mixtasy compression fixture\n", i }' > gpg_big.txt
for algo in zip zlib bzip2; do
  $G --trust-model always --compress-algo $algo -r enc@example.org -o "gpg_cv25519_$algo.gpg" -e gpg_big.txt
done
