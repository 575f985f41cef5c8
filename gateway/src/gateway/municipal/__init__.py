"""The municipal adapters: the catalogue chain (Art. 11), the open-data platform (Art. 24) and data
handed back by the city (属地返还, Art. 5). See ``gateway/docs/municipal.md``."""
