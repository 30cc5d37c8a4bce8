#!/usr/bin/env bash
# Sets up (or tears down) the production shape's hosts on this one machine, as network namespaces:
#
#   root namespace   10.88.0.1   the bridge; HAProxy and fleet-sim (the terminals' side, "the internet")
#   jt808-core       10.88.0.2   the bus Redis and PostgreSQL, ingest
#   jt808-gw1..3     10.88.0.11..13   one gateway "host" each
#
# Each namespace has its own network stack (loopback, ports, ephemeral port range, listen queues),
# joined by veth pairs to one bridge, so traffic between them crosses a real (virtual) network as it
# would between hosts. Needs root (or CAP_NET_ADMIN) and iproute2.
#
#   bench/netns/hosts.sh up [HOSTS]    # HOSTS gateway namespaces, default 3
#   bench/netns/hosts.sh down          # removes every namespace and link this script made
#   bench/netns/hosts.sh status
set -euo pipefail

BRIDGE=jt808br0
SUBNET=10.88.0
PREFIX=jt808-

# name address: one namespace, its veth into the bridge, its address, a default route.
add_host() {
  local name=$1 address=$2 ns="${PREFIX}$1"
  ip netns add "$ns"
  ip link add "v-$name" type veth peer name eth0 netns "$ns"
  ip link set "v-$name" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$address/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" route add default via "$SUBNET.1"
  # A gateway host serves many connections: the same listen queue and port range a tuned host has.
  ip netns exec "$ns" sysctl -q -w net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535 \
    net.ipv4.ip_local_port_range="1024 65535"
}

up() {
  local hosts=${1:-3}
  down quiet
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  add_host core "$SUBNET.2"
  for i in $(seq 1 "$hosts"); do add_host "gw$i" "$SUBNET.$((10 + i))"; done
  status
}

down() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX" || true); do
    # Anything still running in a namespace keeps it alive: stop it first.
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$ns"
  done
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link delete "$BRIDGE"
  [ "${1:-}" = quiet ] || echo "removed the ${PREFIX}* namespaces and $BRIDGE"
}

status() {
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX" || true); do
    printf '%-12s %s\n' "$ns" "$(ip -n "$ns" -4 -o addr show dev eth0 | awk '{print $4}')"
  done
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up [HOSTS] | down | status" >&2; exit 2 ;;
esac
