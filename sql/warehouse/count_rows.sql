SELECT count(*) FROM {relation}
