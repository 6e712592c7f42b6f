"""The bipartite user-item interaction graph and its symmetrically normalised adjacency.

Nodes are the ``n_users`` users (rows ``0..U-1``) followed by the ``n_items`` items (rows
``U..U+N-1``). The adjacency is ``A = [[0, R], [R^T, 0]]`` with ``R`` the binary ``[U, N]``
interaction matrix, normalised as ``D^-1/2 A D^-1/2`` (``D`` the node degrees; isolated nodes keep
zero rows). Build it from the *training* interactions only: a held-out interaction in the graph
would leak into every representation propagated over it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

__all__ = ["interaction_graph", "normalized_adjacency", "to_sparse_tensor", "to_csr_tensor", "symmetric_matmul"]


def interaction_graph(frame: pd.DataFrame, n_users: int, n_items: int) -> sp.csr_matrix:
    """``[n_users, n_items]`` binary CSR matrix ``R`` of the (user_idx, item_idx) pairs in ``frame``
    (repeated pairs count once)."""
    r = sp.csr_matrix(
        (np.ones(len(frame), np.float32), (frame["user_idx"].to_numpy(), frame["item_idx"].to_numpy())),
        shape=(n_users, n_items),
    )
    r.sum_duplicates()
    r.data[:] = 1.0
    return r


def normalized_adjacency(r: sp.spmatrix) -> sp.csr_matrix:
    """``[U+N, U+N]`` float32 CSR ``D^-1/2 A D^-1/2`` of the bipartite graph of ``r`` ``[U, N]``.

    Entry ``(u, U+i)`` is ``1 / sqrt(deg(u) deg(i))`` when user ``u`` interacted with item ``i``.
    """
    r = sp.csr_matrix(r, dtype=np.float32)
    n_users, n_items = r.shape
    a = sp.bmat([[None, r], [r.T, None]], format="csr", dtype=np.float32)
    degree = np.asarray(a.sum(axis=1)).ravel()
    inv_sqrt = np.zeros_like(degree)
    inv_sqrt[degree > 0] = degree[degree > 0] ** -0.5
    d = sp.diags(inv_sqrt.astype(np.float32))
    return (d @ a @ d).tocsr().astype(np.float32)


def to_sparse_tensor(m: sp.spmatrix):
    """A scipy sparse matrix as a reordered ``tf.sparse.SparseTensor`` (float32)."""
    import tensorflow as tf

    coo = sp.coo_matrix(m)
    indices = np.stack([coo.row, coo.col], axis=1).astype(np.int64)
    st = tf.sparse.SparseTensor(indices, coo.data.astype(np.float32), dense_shape=coo.shape)
    return tf.sparse.reorder(st)


def to_csr_tensor(st):
    """A ``tf.sparse.SparseTensor`` as TensorFlow's CSR matrix (a variant tensor for
    ``symmetric_matmul``). Convert inside the ``tf.function`` that uses it: a captured CSR tensor
    loses its shape information.

    TF's CSR kernel is much faster on CPU than ``tf.sparse.sparse_dense_matmul`` (README, "Graph
    and user-based CF").
    """
    import tensorflow as tf

    return tf.raw_ops.SparseTensorToCSRSparseMatrix(indices=st.indices, values=st.values, dense_shape=st.dense_shape)


def symmetric_matmul(csr, x):
    """``A @ x`` for a *symmetric* CSR matrix ``A`` ``[M, M]`` (``to_csr_tensor``) and dense ``x``
    ``[M, d]``, with the gradient ``A^T dy = A dy``."""
    import tensorflow as tf

    @tf.custom_gradient
    def matmul(x):
        def grad(dy):
            return tf.raw_ops.SparseMatrixMatMul(a=csr, b=dy)

        return tf.raw_ops.SparseMatrixMatMul(a=csr, b=x), grad

    return matmul(x)
