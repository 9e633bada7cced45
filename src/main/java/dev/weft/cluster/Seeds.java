package dev.weft.cluster;

/** Parses {@code host:port} seed addresses; package-private. */
final class Seeds {
    private Seeds() {
    }

    /** A parsed seed. */
    record HostPort(String host, int port) {
    }

    /**
     * Parses {@code host:port} ({@code [v6]:port} for IPv6).
     *
     * @throws IllegalArgumentException naming the seed and what is wrong
     */
    static HostPort parse(String seed) {
        if (seed == null) {
            throw new IllegalArgumentException("seed must be host:port, got null");
        }
        int colon = seed.lastIndexOf(':');
        if (colon <= 0 || colon == seed.length() - 1) {
            throw new IllegalArgumentException("seed must be host:port, got '" + seed + "'");
        }
        String host = seed.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(seed.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed '" + seed + "' has no port number after ':'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("seed '" + seed + "' has port " + port + ", not 1 to 65535");
        }
        return new HostPort(host, port);
    }
}
