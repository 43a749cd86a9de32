BEGIN TRANSACTION;
CREATE TABLE dialogue_sessions (
	user_key VARCHAR(200) NOT NULL, 
	kind VARCHAR(50) NOT NULL, 
	state TEXT NOT NULL, 
	version INTEGER NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (user_key)
);
INSERT INTO "dialogue_sessions" VALUES('telegram:1001','score','{"rule_set": "innovation", "step": 2}',1,'2026-11-27 18:45:22.884221');
CREATE TABLE digest_deliveries (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	subscription_id INTEGER NOT NULL, 
	user_key VARCHAR(200) NOT NULL, 
	period_key VARCHAR(32) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	claimed_by VARCHAR(200), 
	next_attempt_at DATETIME, 
	article_count INTEGER NOT NULL, 
	watermark_to DATETIME, 
	detail VARCHAR(200) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	CONSTRAINT uq_digest_delivery_period UNIQUE (subscription_id, period_key)
);
INSERT INTO "digest_deliveries" VALUES(1,1,'telegram:1001','2026-W47','sending',1,'host:1',NULL,0,NULL,'','2026-11-20 08:30:00.000000','2026-11-20 08:30:00.000000',NULL);
CREATE TABLE digest_leases (
	name VARCHAR(64) NOT NULL, 
	holder VARCHAR(200) NOT NULL, 
	expires_at DATETIME NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "digest_leases" VALUES('digests','host:1','2026-11-20 08:31:00.000000',1);
CREATE TABLE firm_profiles (
	user_key VARCHAR(200) NOT NULL, 
	data TEXT NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (user_key)
);
INSERT INTO "firm_profiles" VALUES('telegram:1001','{"context": {"last_check": null, "pending": [], "scenario": [], "topic": null}, "fields": {"revenue": [1200.0, "chat", "2026-11-20T08:30:00+00:00"]}}','2026-11-27 18:45:22.886103');
CREATE TABLE schema_version (
	version INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	applied_at DATETIME NOT NULL, 
	PRIMARY KEY (version)
);
INSERT INTO "schema_version" VALUES(1,'subscription schedules','2026-11-27 18:45:22.878361');
INSERT INTO "schema_version" VALUES(2,'wechat_messages.openid','2026-11-27 18:45:22.879514');
CREATE TABLE subscriptions (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	user_key VARCHAR(200) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	user_id VARCHAR(160) NOT NULL, 
	topics TEXT NOT NULL, 
	regions TEXT NOT NULL, 
	frequency VARCHAR(16) NOT NULL, 
	weekday INTEGER, 
	hour INTEGER NOT NULL, 
	minute INTEGER NOT NULL, 
	timezone VARCHAR(64) NOT NULL, 
	quiet_start VARCHAR(5), 
	quiet_end VARCHAR(5), 
	notify_empty BOOLEAN NOT NULL, 
	month_day INTEGER, 
	nth INTEGER, 
	phase INTEGER NOT NULL, 
	not_before DATETIME, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	deactivated_at DATETIME, 
	deactivated_reason VARCHAR(32)
);
INSERT INTO "subscriptions" VALUES(1,'telegram:1001','telegram','1001','["加计扣除"]','["四川"]','weekly',0,9,0,'Asia/Shanghai','22:00','07:00',0,NULL,NULL,0,NULL,1,'2026-11-20 08:30:00.000000',NULL,NULL);
INSERT INTO "subscriptions" VALUES(2,'wechat:oABC','wechat','oABC','[]','[]','monthly',0,8,0,'Asia/Shanghai','22:00','07:00',0,-1,NULL,0,NULL,1,'2026-11-20 08:30:00.000000',NULL,NULL);
CREATE TABLE users (
	user_key VARCHAR(200) NOT NULL, 
	channel VARCHAR(32) NOT NULL, 
	display_name VARCHAR(200), 
	region VARCHAR(100), 
	industry VARCHAR(100), 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	PRIMARY KEY (user_key)
);
INSERT INTO "users" VALUES('telegram:1001','telegram','张经理','成都','软件','2026-11-27 18:45:22.881263','2026-11-27 18:45:22.882398');
INSERT INTO "users" VALUES('wechat:oABC','wechat',NULL,NULL,NULL,'2026-11-27 18:45:22.883532','2026-11-27 18:45:22.883532');
CREATE TABLE wechat_calls (
	nonce VARCHAR(64) NOT NULL, 
	timestamp VARCHAR(16) NOT NULL, 
	body_hash VARCHAR(64) NOT NULL, 
	seen_at DATETIME NOT NULL, 
	PRIMARY KEY (nonce, timestamp)
);
INSERT INTO "wechat_calls" VALUES('nonce1','1763627400','abababababababababababababababababababababababababababababababab','2026-11-20 08:30:00.000000');
CREATE TABLE wechat_messages (
	msg_key VARCHAR(200) NOT NULL, 
	received_at DATETIME NOT NULL, 
	reply_xml TEXT, 
	openid VARCHAR(128), 
	PRIMARY KEY (msg_key)
);
INSERT INTO "wechat_messages" VALUES('oABC:1','2026-11-20 08:30:00.000000','<xml>ok</xml>','oABC');
CREATE TABLE wechat_pending (
	id INTEGER NOT NULL, 
	openid VARCHAR(128) NOT NULL, 
	created_at DATETIME NOT NULL, 
	payload TEXT NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "wechat_pending" VALUES(1,'oABC','2026-11-20 08:30:00.000000','[{"text": "简报", "image_b64": ""}]');
CREATE TABLE wechat_users (
	openid VARCHAR(128) NOT NULL, 
	last_message_at DATETIME, 
	unsubscribed BOOLEAN NOT NULL, 
	choices TEXT, 
	PRIMARY KEY (openid)
);
INSERT INTO "wechat_users" VALUES('oABC','2026-11-20 08:30:00.000000',0,NULL);
CREATE INDEX ix_subscriptions_active ON subscriptions (active);
CREATE INDEX ix_subscriptions_user_key ON subscriptions (user_key);
CREATE INDEX ix_digest_deliveries_status ON digest_deliveries (status);
CREATE INDEX ix_digest_deliveries_watermark ON digest_deliveries (subscription_id, status, watermark_to);
CREATE INDEX ix_digest_deliveries_period_key ON digest_deliveries (period_key);
CREATE INDEX ix_digest_deliveries_subscription_id ON digest_deliveries (subscription_id);
CREATE INDEX ix_digest_deliveries_user_key ON digest_deliveries (user_key);
CREATE INDEX ix_wechat_messages_openid ON wechat_messages (openid);
CREATE INDEX ix_wechat_messages_received_at ON wechat_messages (received_at);
CREATE INDEX ix_wechat_calls_seen_at ON wechat_calls (seen_at);
CREATE INDEX ix_wechat_pending_openid ON wechat_pending (openid);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('subscriptions',2);
INSERT INTO "sqlite_sequence" VALUES('digest_deliveries',1);
COMMIT;
