"""The user-item interaction graph: normalised adjacency, LightGCN vectors, similar users."""

from recsys.graph.adjacency import (
    interaction_graph,
    normalized_adjacency,
    symmetric_matmul,
    to_csr_tensor,
    to_sparse_tensor,
)
from recsys.graph.lightgcn import LightGCN, LightGCNConfig, Propagation, graph_item_vectors, sample_negatives

__all__ = [
    "LightGCN",
    "LightGCNConfig",
    "Propagation",
    "graph_item_vectors",
    "interaction_graph",
    "normalized_adjacency",
    "sample_negatives",
    "symmetric_matmul",
    "to_csr_tensor",
    "to_sparse_tensor",
]
