package dev.weft.lock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cycles in a directed graph given as a list of edges: the pure part of deadlock detection, kept apart so that it can
 * be checked against a reference on random graphs ({@code WaitGraphProperties}).
 *
 * <p>It finds the strongly connected components (Tarjan's algorithm, iterative, so that a long chain of waiters cannot
 * overflow the stack) and returns one simple cycle from each component that has one (more than one node, or a node
 * with an edge to itself, as a component sending into its own full inbox has). In a wait-for graph each thread waits
 * for at most one thing, so every node has at most one edge out, and then each such component <em>is</em> one cycle:
 * the cycles returned are all the cycles there are. With more edges out of a node the result still finds a cycle
 * wherever one exists, one per component. Linear in nodes and edges; stateless and thread safe.
 */
final class WaitGraph {
    private WaitGraph() {
    }

    /**
     * One simple cycle per strongly connected component that has one, each as its edges in order (each edge's target
     * is the next one's source, the last one's target the first one's source), components in the order of their first
     * node, nodes in the order they first appear in {@code edges} (sources before targets): deterministic for a given
     * list. Nodes are compared with {@code equals}.
     */
    static <E> List<List<E>> cycles(List<E> edges, Function<? super E, ?> from, Function<? super E, ?> to) {
        Map<Object, Integer> ids = new HashMap<>();
        int m = edges.size();
        int[] src = new int[m];
        int[] dst = new int[m];
        for (int i = 0; i < m; i++) {
            E e = edges.get(i);
            src[i] = ids.computeIfAbsent(from.apply(e), _ -> ids.size());
            dst[i] = ids.computeIfAbsent(to.apply(e), _ -> ids.size());
        }
        int n = ids.size();
        // Edges out of each node, in input order (compressed rows).
        int[] start = new int[n + 1];
        for (int i = 0; i < m; i++) {
            start[src[i] + 1]++;
        }
        for (int v = 0; v < n; v++) {
            start[v + 1] += start[v];
        }
        int[] out = new int[m];
        int[] fill = Arrays.copyOf(start, n);
        for (int i = 0; i < m; i++) {
            out[fill[src[i]]++] = i;
        }
        int[] comp = components(n, start, out, dst);

        List<List<E>> cycles = new ArrayList<>();
        boolean[] done = new boolean[n];
        int[] seenAt = new int[n];
        Arrays.fill(seenAt, -1);
        for (int v = 0; v < n; v++) {
            int c = comp[v];
            if (done[c]) {
                continue;
            }
            done[c] = true;
            // Walk from v along edges that stay in v's component: every node of a component with a cycle has one,
            // so the walk comes back to a node it passed, and the edges since then are a simple cycle.
            List<Integer> path = new ArrayList<>();
            List<Integer> visited = new ArrayList<>();
            int u = v;
            while (seenAt[u] < 0) {
                int next = -1;
                for (int k = start[u]; k < start[u + 1]; k++) {
                    if (comp[dst[out[k]]] == c) {
                        next = out[k];
                        break;
                    }
                }
                if (next < 0) {
                    break; // a single node without an edge to itself: no cycle here
                }
                seenAt[u] = path.size();
                visited.add(u);
                path.add(next);
                u = dst[next];
            }
            if (seenAt[u] >= 0) {
                List<E> cycle = new ArrayList<>();
                for (int k = seenAt[u]; k < path.size(); k++) {
                    cycle.add(edges.get(path.get(k)));
                }
                cycles.add(cycle);
            }
            for (int x : visited) {
                seenAt[x] = -1;
            }
        }
        return cycles;
    }

    /** Tarjan's strongly connected components, iteratively: the component number of each node. */
    private static int[] components(int n, int[] start, int[] out, int[] dst) {
        int[] index = new int[n];
        int[] low = new int[n];
        int[] comp = new int[n];
        Arrays.fill(index, -1);
        boolean[] onStack = new boolean[n];
        int[] stack = new int[n];
        int sp = 0;
        int[] callNode = new int[n]; // the DFS call stack: node and the next of its edges to follow
        int[] callEdge = new int[n];
        int next = 0;
        int comps = 0;
        for (int root = 0; root < n; root++) {
            if (index[root] >= 0) {
                continue;
            }
            int depth = 0;
            callNode[0] = root;
            callEdge[0] = start[root];
            index[root] = low[root] = next++;
            stack[sp++] = root;
            onStack[root] = true;
            while (depth >= 0) {
                int v = callNode[depth];
                if (callEdge[depth] < start[v + 1]) {
                    int w = dst[out[callEdge[depth]++]];
                    if (index[w] < 0) {
                        index[w] = low[w] = next++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        depth++;
                        callNode[depth] = w;
                        callEdge[depth] = start[w];
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                if (low[v] == index[v]) { // v is the root of a component: pop it
                    int w;
                    do {
                        w = stack[--sp];
                        onStack[w] = false;
                        comp[w] = comps;
                    } while (w != v);
                    comps++;
                }
                depth--;
                if (depth >= 0) {
                    int parent = callNode[depth];
                    low[parent] = Math.min(low[parent], low[v]);
                }
            }
        }
        return comp;
    }
}
