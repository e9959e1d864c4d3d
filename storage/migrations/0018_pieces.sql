-- A rumour cut into pieces (moderation's Screener.screen_pieces): the flag keeps each piece's
-- message id and words (JSON [[message_id, text], ...], in the order posted; NULL for a flag
-- of one post), so an edit of one piece is compared with that piece, the card can say what
-- its posts are, and a decision on the joined words never teaches the memory of single posts.
ALTER TABLE flags ADD COLUMN pieces TEXT;
