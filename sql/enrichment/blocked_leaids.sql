SELECT leaid FROM lct.blocked_districts WHERE state = %(state)s;
