-- Up Migration
-- The write model. price is double precision because the contract (proto) carries a double:
-- storing it as numeric would round-trip through text and could change the value.
CREATE TABLE products (
  product_id  uuid PRIMARY KEY,
  name        varchar(250)     NOT NULL CHECK (length(name) > 0),
  description varchar(5000)    NOT NULL CHECK (length(description) > 0),
  price       double precision NOT NULL CHECK (price >= 0 AND price < 'Infinity'),
  -- Starts at 1 and grows by one with every committed change; readers apply an event only when
  -- its version is newer than theirs.
  version     bigint           NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at  timestamptz      NOT NULL DEFAULT now(),
  updated_at  timestamptz      NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE products;
