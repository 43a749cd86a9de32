BEGIN TRANSACTION;
CREATE TABLE articles (
    doc_id TEXT PRIMARY KEY, doc_key TEXT NOT NULL REFERENCES documents(doc_key) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, title TEXT NOT NULL, source TEXT, publication TEXT, issue TEXT,
    publisher TEXT, date TEXT, regions TEXT NOT NULL, tags TEXT NOT NULL, text TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE, ingested_at TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'briefing'
);
INSERT INTO "articles" VALUES('d1#1','d1',1,'加计扣除新规','科技局','创新简报','第1期','科技局','2026-11-01','["四川"]','["加计扣除"]','研发费用加计扣除比例提高到100%。','h-art','2026-11-20T08:30:00.000000+00:00','briefing');
CREATE TABLE chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES articles(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL, text TEXT NOT NULL, index_text TEXT NOT NULL, tokens TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
INSERT INTO "chunks" VALUES('d1#1#0','d1#1',0,'研发费用加计扣除比例提高到100%。','加计扣除新规 研发费用','研发 费用 加计 扣除','h-chunk');
CREATE TABLE documents (
    doc_key TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, hash TEXT NOT NULL UNIQUE,
    publication TEXT, issue TEXT, publisher TEXT, date TEXT, source TEXT,
    origin TEXT NOT NULL, raw_text TEXT NOT NULL, added_at TEXT NOT NULL
);
INSERT INTO "documents" VALUES('d1','简报第1期',NULL,'h-doc','创新简报','第1期','科技局','2026-11-01','科技局','upload','研发费用加计扣除比例提高到100%。','2026-11-20T08:30:00.000000+00:00');
CREATE TABLE ingest_log (
    hash TEXT PRIMARY KEY, first_ingested_at TEXT NOT NULL
);
INSERT INTO "ingest_log" VALUES('h-art','2026-11-27T18:45:35.898388+00:00');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('pipeline','v7');
CREATE INDEX articles_ingested ON articles(ingested_at);
COMMIT;
