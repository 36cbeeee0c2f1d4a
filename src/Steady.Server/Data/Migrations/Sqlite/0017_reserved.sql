-- Placeholder on the postmortems branch only: number 0017 is taken by another branch. Drop this file when merging.
SELECT 1;
