# shellcheck shell=bash
# The local profile's state passphrase (infra/provider.ts derives the state key from it), generated once into FILE.
# Written 0600 from the start (mktemp), and put in place only if no other deploy did meanwhile (ln refuses an existing
# name): two first deploys at once must not encrypt their states with different passphrases. Prints the passphrase.
state_passphrase() {
  local file=$1 candidate
  if [ ! -s "$file" ]; then
    mkdir -p "$(dirname "$file")"
    # An empty file is what an interrupted write by an older kit left: nothing was encrypted with it.
    [ -e "$file" ] && [ ! -s "$file" ] && rm -f "$file"
    candidate=$(mktemp "$file.XXXXXX")
    head -c 32 /dev/urandom | base64 >"$candidate"
    if ln "$candidate" "$file" 2>/dev/null; then
      echo "state passphrase generated: $file (mode 0600; state is encrypted with a key derived from it)" >&2
    fi
    rm -f "$candidate"
  fi
  chmod 600 "$file"
  cat "$file"
}
