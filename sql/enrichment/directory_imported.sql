SELECT EXISTS (SELECT 1 FROM nces.lea_directory);
