-- 0003: fixed query-planner statistics for the large tables.
--
-- Without statistics SQLite guesses every table is small, and answers a
-- lookup such as "the maps of this contact center with one of these 100
-- DeveloperNames" by walking the org's maps in id order (the order the
-- answer is returned in) rather than searching the DeveloperName index: as
-- fast on 100 maps, a hundred times slower on 100,000. These rows describe
-- a large org instead (a million rows; 100,000 an org; ids, usernames and
-- DeveloperNames unique), in the sqlite_stat1 format: the rows in the
-- index, then the average rows sharing each leading prefix of its
-- columns. SQLite documents pinning statistics this way ("manual control
-- of query plans"); they are never re-gathered (the store does not run
-- ANALYZE), so plans stay the same as the data grows.
--
-- ANALYZE of the one-row orgs table creates sqlite_stat1.
ANALYZE orgs;
DELETE FROM sqlite_stat1 WHERE tbl IN ('routing_maps', 'users');
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('routing_maps', 'routing_maps', '1000000 100000 1'),
    ('routing_maps', 'routing_maps_developer_name', '1000000 100000 1'),
    ('routing_maps', 'routing_maps_user', '1000000 50000 1'),
    ('routing_maps', 'routing_maps_external_id', '1000000 50000 1'),
    ('users', 'users', '1000000 1'),
    ('users', 'users_username', '1000000 1'),
    ('users', 'users_org', '1000000 100000'),
    ('users', 'users_call_center', '1000000 100000 50000');
