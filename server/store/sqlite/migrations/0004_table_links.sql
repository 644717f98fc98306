-- 0004: table links. The QR sticker of a table carries a signed link that
-- names the table and its link generation; revoking a sticker (e.g. after
-- it was tampered with) bumps the generation, so links printed before no
-- longer open the table.
ALTER TABLE tables ADD COLUMN link_gen INTEGER NOT NULL DEFAULT 1 CHECK (link_gen >= 1);
