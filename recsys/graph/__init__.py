"""The user-item interaction graph: normalised adjacency, LightGCN vectors, similar users."""

from recsys.graph.adjacency import interaction_graph, normalized_adjacency, to_sparse_tensor
from recsys.graph.lightgcn import LightGCN, LightGCNConfig, Propagation, sample_negatives

__all__ = [
    "LightGCN",
    "LightGCNConfig",
    "Propagation",
    "interaction_graph",
    "normalized_adjacency",
    "sample_negatives",
    "to_sparse_tensor",
]
