//! The road graph: nodes (interchanges, town centres, arterial crossings) and edges with road
//! class, zone, length and free-flow speed, read from two CSV files
//! (`nodes.csv`: `id,name,kind,lat,lon`; `edges.csv`:
//! `from,to,road,class,zone,length_m,speed_kmh,oneway`). Locations snap to their nearest
//! nodes with an R-tree; shortest paths run over a `petgraph` graph.

use crate::RegionError;
use housecall_core::{Location, Spherical};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::Deserialize;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A node of the road graph.
#[derive(Clone, Debug, Deserialize)]
pub struct RoadNode {
    /// Stable id, e.g. `H401_427`.
    pub id: String,
    /// What it is, for people.
    pub name: String,
    /// `interchange`, `town`, `arterial`, or `osm`.
    #[serde(default)]
    pub kind: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

impl RoadNode {
    /// The node's position.
    pub fn location(&self) -> Location {
        Location {
            lat: self.lat,
            lon: self.lon,
        }
    }
}

/// A road between two nodes.
#[derive(Clone, Debug, Deserialize)]
pub struct RoadEdge {
    /// Id of the start node.
    pub from: String,
    /// Id of the end node.
    pub to: String,
    /// Road name, for people.
    #[serde(default)]
    pub road: String,
    /// Road class: `freeway`, `freeway_toll`, `expressway`, `highway_2lane`, `arterial`,
    /// `local`; selects the speed profile.
    pub class: String,
    /// Where rush hour applies: `gta` (urban core) or `outer`.
    #[serde(default)]
    pub zone: String,
    /// Length along the road, metres.
    pub length_m: f64,
    /// Free-flow (off-peak) speed, km/h.
    pub speed_kmh: f64,
    /// 1 when the road may only be driven from `from` to `to`.
    #[serde(default)]
    pub oneway: u8,
}

/// The graph with its snapping index.
#[derive(Clone, Debug)]
pub struct RoadGraph {
    /// Nodes, in file order.
    pub nodes: Vec<RoadNode>,
    /// Edges, in file order.
    pub edges: Vec<RoadEdge>,
    graph: DiGraph<(), usize>,
    tree: RTree<GeomWithData<[f64; 2], usize>>,
    /// Each node's [`planar`] point, for [`RoadGraph::nearest`] on a small graph.
    planar: Vec<[f64; 2]>,
    /// Each node's place with its latitude's cosine, for [`RoadGraph::gap_m`].
    spherical: Vec<Spherical>,
}

/// Graphs of at most this many nodes (the shipped one has 77) are searched for the nearest
/// nodes by a scan, faster there than the tree.
const SCAN_NODES: usize = 512;

/// Planar coordinates for nearest-neighbour search: degrees of longitude shrunk by the
/// cosine of the latitude, so that distances are roughly proportional to metres.
fn planar(s: &Spherical) -> [f64; 2] {
    [s.at.lon * s.cos_lat(), s.at.lat]
}

impl RoadGraph {
    /// Builds the graph; `file` names the edges file in errors.
    pub fn new(
        nodes: Vec<RoadNode>,
        edges: Vec<RoadEdge>,
        file: &str,
    ) -> Result<Self, RegionError> {
        let index: HashMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut graph = DiGraph::with_capacity(nodes.len(), edges.len() * 2);
        for _ in &nodes {
            graph.add_node(());
        }
        for (i, e) in edges.iter().enumerate() {
            let end = |id: &str| {
                index.get(id).copied().ok_or_else(|| {
                    RegionError::new(
                        file,
                        format!("edge {} references unknown node {id:?}", i + 2),
                    )
                })
            };
            let (a, b) = (end(&e.from)?, end(&e.to)?);
            if !(e.length_m >= 0.0 && e.speed_kmh > 0.0) {
                return Err(RegionError::new(
                    file,
                    format!(
                        "edge {} ({} - {}): length and speed must be positive",
                        i + 2,
                        e.from,
                        e.to
                    ),
                ));
            }
            graph.add_edge(NodeIndex::new(a), NodeIndex::new(b), i);
            if e.oneway == 0 {
                graph.add_edge(NodeIndex::new(b), NodeIndex::new(a), i);
            }
        }
        let spherical: Vec<Spherical> =
            nodes.iter().map(|n| Spherical::new(n.location())).collect();
        let planar: Vec<[f64; 2]> = spherical.iter().map(planar).collect();
        let tree = RTree::bulk_load(
            planar
                .iter()
                .enumerate()
                .map(|(i, &p)| GeomWithData::new(p, i))
                .collect(),
        );
        Ok(RoadGraph {
            nodes,
            edges,
            graph,
            tree,
            planar,
            spherical,
        })
    }

    /// Reads `nodes.csv` and `edges.csv` text.
    pub fn from_csv(
        nodes_name: &str,
        nodes: &str,
        edges_name: &str,
        edges: &str,
    ) -> Result<Self, RegionError> {
        let nodes: Vec<RoadNode> = read_csv(nodes_name, nodes)?;
        let edges: Vec<RoadEdge> = read_csv(edges_name, edges)?;
        RoadGraph::new(nodes, edges, edges_name)
    }

    /// The `k` nodes nearest to `loc`, nearest first.
    pub fn nearest(&self, loc: Location, k: usize) -> Vec<usize> {
        self.nearest_to(&Spherical::new(loc), k)
    }

    /// [`RoadGraph::nearest`] for a place whose latitude's cosine is known.
    pub(crate) fn nearest_to(&self, at: &Spherical, k: usize) -> Vec<usize> {
        let p = planar(at);
        if self.nodes.len() > SCAN_NODES {
            return self
                .tree
                .nearest_neighbor_iter(&p)
                .take(k)
                .map(|g| g.data)
                .collect();
        }
        if k == 0 {
            return Vec::new();
        }
        // The k nearest so far, nearest first (the earlier node first among equals).
        let mut best: Vec<(f64, usize)> = Vec::with_capacity(k);
        // The k-th nearest's squared distance once there are k.
        let mut worst = f64::INFINITY;
        for (i, q) in self.planar.iter().enumerate() {
            let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
            let d = dx * dx + dy * dy;
            if d >= worst {
                continue;
            }
            // In after every node as near (a swap at a time: `k` is a handful).
            if best.len() == k {
                best.pop();
            }
            best.push((d, i));
            let mut at = best.len() - 1;
            while at > 0 && best[at - 1].0 > d {
                best.swap(at - 1, at);
                at -= 1;
            }
            if best.len() == k {
                worst = best[k - 1].0;
            }
        }
        best.into_iter().map(|(_, i)| i).collect()
    }

    /// Shortest paths from several seeds (node, initial milliseconds, initial metres) to every
    /// node, with edge times in milliseconds from `edge_ms`. Returns `(ms, metres)` per node,
    /// `u64::MAX` where unreachable.
    pub fn shortest_from(&self, seeds: &[(usize, u64, u64)], edge_ms: &[u64]) -> Vec<(u64, u64)> {
        self.dijkstra(seeds, edge_ms, None)
    }

    /// [`RoadGraph::shortest_from`] with the tree: `parent[n]` is the node before `n` on its
    /// shortest path (`usize::MAX` for a seed or an unreachable node).
    pub fn shortest_tree(
        &self,
        seeds: &[(usize, u64, u64)],
        edge_ms: &[u64],
    ) -> (Vec<(u64, u64)>, Vec<usize>) {
        let mut parent = vec![usize::MAX; self.nodes.len()];
        let best = self.dijkstra(seeds, edge_ms, Some(&mut parent));
        (best, parent)
    }

    fn dijkstra(
        &self,
        seeds: &[(usize, u64, u64)],
        edge_ms: &[u64],
        mut parent: Option<&mut Vec<usize>>,
    ) -> Vec<(u64, u64)> {
        let mut best = vec![(u64::MAX, u64::MAX); self.nodes.len()];
        let mut heap = BinaryHeap::new();
        for &(n, ms, m) in seeds {
            if ms < best[n].0 {
                best[n] = (ms, m);
                heap.push(Reverse((ms, m, n)));
            }
        }
        while let Some(Reverse((ms, m, n))) = heap.pop() {
            if (ms, m) > best[n] {
                continue;
            }
            for e in self.graph.edges(NodeIndex::new(n)) {
                let edge = *e.weight();
                let to = e.target().index();
                let cand = (
                    ms + edge_ms[edge],
                    m + self.edges[edge].length_m.round() as u64,
                );
                if cand < best[to] {
                    best[to] = cand;
                    if let Some(p) = parent.as_deref_mut() {
                        p[to] = n;
                    }
                    heap.push(Reverse((cand.0, cand.1, to)));
                }
            }
        }
        best
    }

    /// Number of nodes in the largest weakly connected component.
    pub fn largest_component(&self) -> usize {
        let mut uf = petgraph::unionfind::UnionFind::<usize>::new(self.nodes.len());
        for e in self.graph.edge_references() {
            uf.union(e.source().index(), e.target().index());
        }
        let mut sizes: HashMap<usize, usize> = HashMap::new();
        for i in 0..self.nodes.len() {
            *sizes.entry(uf.find(i)).or_default() += 1;
        }
        sizes.values().copied().max().unwrap_or(0)
    }

    /// Great-circle metres from `loc` to node `n`.
    pub fn gap_m(&self, loc: Location, n: usize) -> f64 {
        self.gap_from(&Spherical::new(loc), n)
    }

    /// [`RoadGraph::gap_m`] for a place whose latitude's cosine is known.
    pub(crate) fn gap_from(&self, at: &Spherical, n: usize) -> f64 {
        at.metres_to(&self.spherical[n])
    }
}

/// Reads a CSV file's records with serde, naming the file and line in errors.
pub(crate) fn read_csv<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
) -> Result<Vec<T>, RegionError> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .deserialize()
        .map(|r| {
            r.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                RegionError::new(name, format!("line {line}: {e}"))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan of a small graph finds the nodes the tree finds, in the same order, for
    /// points inside and well outside the region.
    #[test]
    fn scan_finds_what_the_tree_finds() {
        let roads = crate::Region::western_gta().roads;
        assert!(roads.nodes.len() <= SCAN_NODES);
        let mut unit = crate::tests::uniform(7);
        for _ in 0..20_000 {
            let at = Location {
                lat: 42.8 + 2.0 * unit(),
                lon: -81.0 + 2.5 * unit(),
            };
            for k in [0, 1, 3, 5] {
                let tree: Vec<usize> = roads
                    .tree
                    .nearest_neighbor_iter(&planar(&Spherical::new(at)))
                    .take(k)
                    .map(|g| g.data)
                    .collect();
                assert_eq!(roads.nearest(at, k), tree, "{k} nearest to {at:?}");
            }
        }
    }
}
