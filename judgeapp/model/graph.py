"""TCG-U, the temporal instance-wise graph unit (paper eq. 1-3).

Every video of a batch gets its own graph over its valid instances; padded instances are cut out
of it (their rows and columns of the adjacency are zero), so a padded video gets exactly the graph
of the unpadded one.
"""

from __future__ import annotations

import torch
from torch import nn


def pairwise_distance(embedded: torch.Tensor) -> torch.Tensor:
    """Euclidean distances ||f_i - f_j|| between the instances of each video, [B, N, N].

    Computed through the Gram matrix in float64: as fast as a matrix product, and the
    cancellation that makes that form inexact in float32 stays far below float32 resolution.
    The diagonal is exactly 0, and the gradient is 0 (not NaN) where a distance is 0.
    """
    points = embedded.double()
    squared_norm = (points * points).sum(dim=2)
    gram = torch.bmm(points, points.transpose(1, 2))
    squared = (squared_norm.unsqueeze(2) + squared_norm.unsqueeze(1) - 2 * gram).clamp_min(0)
    eye = torch.eye(points.shape[1], dtype=torch.bool, device=points.device)
    positive = (squared > 0) & ~eye
    safe = torch.where(positive, squared, torch.ones_like(squared))
    return torch.where(positive, safe.sqrt(), torch.zeros_like(squared))


def feature_adjacency(embedded: torch.Tensor, kernel_scale: float) -> torch.Tensor:
    """Paper eq. 1: A(i, j) = exp(-||f_i - f_j|| / K) for embeddings [B, N, D] -> [B, N, N]."""
    return torch.exp(-pairwise_distance(embedded) / kernel_scale).to(embedded.dtype)


def temporal_adjacency(mask: torch.Tensor, kernel_scale: float) -> torch.Tensor:
    """Authors' released code: A(i, j) = exp(-|t_i - t_j| / K) from the mask [B, N] -> [B, N, N].

    t_i is the rank of instance i among the valid instances of its video, so padding (wherever
    it sits) does not shift the positions of the real instances.
    """
    position = (torch.cumsum(mask.long(), dim=1) - 1).to(torch.float32)
    gap = (position.unsqueeze(2) - position.unsqueeze(1)).abs()
    return torch.exp(-gap / kernel_scale)


def normalize_adjacency(
    adjacency: torch.Tensor, mask: torch.Tensor, add_self_loops: bool
) -> torch.Tensor:
    """Paper eq. 2: Â = D^-1/2 (A + I) D^-1/2, restricted to the valid instances.

    add_self_loops=False gives D^-1/2 A D^-1/2, as the authors' code does for the temporal graph.
    Rows and columns of padded instances are zeroed before the degrees are taken; a node with
    degree 0 (a padded one without self-loops) gets a zero row instead of a division by zero.
    """
    pair_mask = mask.unsqueeze(2) & mask.unsqueeze(1)
    adjacency = adjacency * pair_mask.to(adjacency.dtype)
    if add_self_loops:
        eye = torch.eye(adjacency.shape[-1], dtype=adjacency.dtype, device=adjacency.device)
        adjacency = adjacency + eye
    degree = adjacency.sum(dim=2)
    safe_degree = torch.where(degree > 0, degree, torch.ones_like(degree))
    inv_sqrt = torch.where(degree > 0, safe_degree.rsqrt(), torch.zeros_like(degree))
    return inv_sqrt.unsqueeze(2) * adjacency * inv_sqrt.unsqueeze(1)


class GraphContext(nn.Module):
    """TCG-U: the graph over a video's instances and two GCN layers H' = ReLU(Â H W + b).

    The layers carry a bias, as in the authors' code; that is what makes the head's parameter
    count the paper's 3,542,787.
    """

    def __init__(self, dim: int = 256, adjacency: str = "feature", kernel_scale: float = 1.0):
        super().__init__()
        self.adjacency = adjacency
        self.kernel_scale = kernel_scale
        self.layers = nn.ModuleList([nn.Linear(dim, dim), nn.Linear(dim, dim)])

    def graph(self, embedded: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The normalised adjacency Â [B, N, N] of each video."""
        if self.adjacency == "feature":
            raw = feature_adjacency(embedded, self.kernel_scale)
            return normalize_adjacency(raw, mask, add_self_loops=True)
        raw = temporal_adjacency(mask, self.kernel_scale).to(embedded.dtype)
        return normalize_adjacency(raw, mask, add_self_loops=False)

    def forward(self, embedded: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Context features h_i [B, N, dim] from the embeddings f_i [B, N, dim]."""
        graph = self.graph(embedded, mask)
        hidden = embedded
        for layer in self.layers:
            hidden = torch.relu(layer(torch.bmm(graph, hidden)))
        return hidden
