"""Questions asked of the catalogue: filtering, statistics, network, territories, alliances."""
