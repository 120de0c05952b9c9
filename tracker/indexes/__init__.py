"""Bộ chỉ số: the indexes the province is scored on (PAR Index, PAPI, SIPAS, DTI, PCI), their
criteria with the agency answerable for each, the quarterly đạt / chưa đạt of each criterion,
and the province's yearly score and rank."""
