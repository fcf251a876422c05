-- First statement of a read transaction that must see one consistent snapshot across several queries.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY
