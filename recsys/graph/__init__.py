"""The user-item interaction graph: normalised adjacency, LightGCN vectors, similar users."""

from recsys.graph.adjacency import (
    interaction_graph,
    normalized_adjacency,
    symmetric_matmul,
    to_csr_tensor,
    to_sparse_tensor,
)
from recsys.graph.lightgcn import (
    LightGCN,
    LightGCNConfig,
    Propagation,
    graph_item_vectors,
    graph_vectors,
    sample_negatives,
    transformer_inputs,
)
from recsys.graph.similar_users import (
    BASES,
    GRAPH_FILE,
    SIMILARITIES,
    load_graph_vectors,
    save_graph_vectors,
    similar_users_who_chose,
    user_similarities,
    user_similarity,
)

__all__ = [
    "BASES",
    "GRAPH_FILE",
    "LightGCN",
    "LightGCNConfig",
    "Propagation",
    "SIMILARITIES",
    "graph_item_vectors",
    "graph_vectors",
    "interaction_graph",
    "load_graph_vectors",
    "normalized_adjacency",
    "sample_negatives",
    "save_graph_vectors",
    "similar_users_who_chose",
    "symmetric_matmul",
    "to_csr_tensor",
    "to_sparse_tensor",
    "transformer_inputs",
    "user_similarities",
    "user_similarity",
]
