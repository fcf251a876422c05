-- How many students the platform holds (`lct warehouse demo-data --if-empty` keeps a loaded platform).
SELECT count(*) FROM platform.students;
