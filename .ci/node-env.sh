# Sourced by .ci/run (and usable by hand: `source .ci/node-env.sh`): puts Node >= 22.18 first on PATH.
# Where the machine's Node is older, it unpacks the official build that the npm registry ships as the
# package node-linux-<arch>, with its headers, so native addons build without fetching anything.
NODE_WANT=24.21.0
node_ok() { node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null; }
if ! node_ok; then
  # The machine's npm may trust a CA through its own global npmrc, which a different Node's npm does not read.
  sys_cafile=$(npm config get cafile 2>/dev/null)
  case "$sys_cafile" in ""|null|undefined) ;; *) export npm_config_cafile="$sys_cafile" ;; esac
  arch=$(uname -m); case "$arch" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/switchyard-node/$NODE_WANT-$arch"
  if [ ! -x "$dir/package/bin/node" ]; then
    mkdir -p "$dir" && (cd "$dir" && npm pack "node-linux-$arch@$NODE_WANT" --silent >/dev/null && tar xzf node-linux-*.tgz && rm -f node-linux-*.tgz) || return 1
  fi
  export PATH="$dir/package/bin:$PATH"
  export npm_config_nodedir="$dir/package"
  node_ok || return 1
fi
