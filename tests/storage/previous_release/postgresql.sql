--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: t_6f2dafc9cffd; Type: SCHEMA; Schema: -; Owner: -
--



SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: dialogue_sessions; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE dialogue_sessions (
    user_key character varying(200) NOT NULL,
    kind character varying(50) NOT NULL,
    state text NOT NULL,
    version integer NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: digest_deliveries; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE digest_deliveries (
    id integer NOT NULL,
    subscription_id integer NOT NULL,
    user_key character varying(200) NOT NULL,
    period_key character varying(32) NOT NULL,
    status character varying(16) NOT NULL,
    attempts integer NOT NULL,
    claimed_by character varying(200),
    next_attempt_at timestamp with time zone,
    article_count integer NOT NULL,
    watermark_to timestamp with time zone,
    detail character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone
);


--
-- Name: digest_deliveries_id_seq; Type: SEQUENCE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE SEQUENCE digest_deliveries_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: digest_deliveries_id_seq; Type: SEQUENCE OWNED BY; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER SEQUENCE digest_deliveries_id_seq OWNED BY digest_deliveries.id;


--
-- Name: digest_leases; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE digest_leases (
    name character varying(64) NOT NULL,
    holder character varying(200) NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    version integer NOT NULL
);


--
-- Name: firm_profiles; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE firm_profiles (
    user_key character varying(200) NOT NULL,
    data text NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: schema_version; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE schema_version (
    version integer NOT NULL,
    name character varying(200) NOT NULL,
    applied_at timestamp with time zone NOT NULL
);


--
-- Name: schema_version_version_seq; Type: SEQUENCE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE SEQUENCE schema_version_version_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: schema_version_version_seq; Type: SEQUENCE OWNED BY; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER SEQUENCE schema_version_version_seq OWNED BY schema_version.version;


--
-- Name: subscriptions; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE subscriptions (
    id integer NOT NULL,
    user_key character varying(200) NOT NULL,
    channel character varying(32) NOT NULL,
    user_id character varying(160) NOT NULL,
    topics text NOT NULL,
    regions text NOT NULL,
    frequency character varying(16) NOT NULL,
    weekday integer,
    hour integer NOT NULL,
    minute integer NOT NULL,
    timezone character varying(64) NOT NULL,
    quiet_start character varying(5),
    quiet_end character varying(5),
    notify_empty boolean NOT NULL,
    month_day integer,
    nth integer,
    phase integer NOT NULL,
    not_before timestamp with time zone,
    active boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    deactivated_at timestamp with time zone,
    deactivated_reason character varying(32)
);


--
-- Name: subscriptions_id_seq; Type: SEQUENCE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE SEQUENCE subscriptions_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscriptions_id_seq; Type: SEQUENCE OWNED BY; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER SEQUENCE subscriptions_id_seq OWNED BY subscriptions.id;


--
-- Name: users; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE users (
    user_key character varying(200) NOT NULL,
    channel character varying(32) NOT NULL,
    display_name character varying(200),
    region character varying(100),
    industry character varying(100),
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: wechat_calls; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE wechat_calls (
    nonce character varying(64) NOT NULL,
    "timestamp" character varying(16) NOT NULL,
    body_hash character varying(64) NOT NULL,
    seen_at timestamp with time zone NOT NULL
);


--
-- Name: wechat_messages; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE wechat_messages (
    msg_key character varying(200) NOT NULL,
    received_at timestamp with time zone NOT NULL,
    reply_xml text,
    openid character varying(128)
);


--
-- Name: wechat_pending; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE wechat_pending (
    id integer NOT NULL,
    openid character varying(128) NOT NULL,
    created_at timestamp with time zone NOT NULL,
    payload text NOT NULL
);


--
-- Name: wechat_pending_id_seq; Type: SEQUENCE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE SEQUENCE wechat_pending_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: wechat_pending_id_seq; Type: SEQUENCE OWNED BY; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER SEQUENCE wechat_pending_id_seq OWNED BY wechat_pending.id;


--
-- Name: wechat_users; Type: TABLE; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE TABLE wechat_users (
    openid character varying(128) NOT NULL,
    last_message_at timestamp with time zone,
    unsubscribed boolean NOT NULL,
    choices text
);


--
-- Name: digest_deliveries id; Type: DEFAULT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY digest_deliveries ALTER COLUMN id SET DEFAULT nextval('digest_deliveries_id_seq'::regclass);


--
-- Name: schema_version version; Type: DEFAULT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY schema_version ALTER COLUMN version SET DEFAULT nextval('schema_version_version_seq'::regclass);


--
-- Name: subscriptions id; Type: DEFAULT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY subscriptions ALTER COLUMN id SET DEFAULT nextval('subscriptions_id_seq'::regclass);


--
-- Name: wechat_pending id; Type: DEFAULT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY wechat_pending ALTER COLUMN id SET DEFAULT nextval('wechat_pending_id_seq'::regclass);


--
-- Data for Name: dialogue_sessions; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO dialogue_sessions VALUES ('telegram:1001', 'score', '{"rule_set": "innovation", "step": 2}', 1, '2026-11-27 18:45:24.293634+00');


--
-- Data for Name: digest_deliveries; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO digest_deliveries VALUES (1, 1, 'telegram:1001', '2026-W47', 'sending', 1, 'host:1', NULL, 0, NULL, '', '2026-11-20 08:30:00+00', '2026-11-20 08:30:00+00', NULL);


--
-- Data for Name: digest_leases; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO digest_leases VALUES ('digests', 'host:1', '2026-11-20 08:31:00+00', 1);


--
-- Data for Name: firm_profiles; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO firm_profiles VALUES ('telegram:1001', '{"context": {"last_check": null, "pending": [], "scenario": [], "topic": null}, "fields": {"revenue": [1200.0, "chat", "2026-11-20T08:30:00+00:00"]}}', '2026-11-27 18:45:24.298877+00');


--
-- Data for Name: schema_version; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO schema_version VALUES (1, 'subscription schedules', '2026-11-27 18:45:24.268359+00');
INSERT INTO schema_version VALUES (2, 'wechat_messages.openid', '2026-11-27 18:45:24.275398+00');


--
-- Data for Name: subscriptions; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO subscriptions VALUES (1, 'telegram:1001', 'telegram', '1001', '["加计扣除"]', '["四川"]', 'weekly', 0, 9, 0, 'Asia/Shanghai', '22:00', '07:00', false, NULL, NULL, 0, NULL, true, '2026-11-20 08:30:00+00', NULL, NULL);
INSERT INTO subscriptions VALUES (2, 'wechat:oABC', 'wechat', 'oABC', '[]', '[]', 'monthly', 0, 8, 0, 'Asia/Shanghai', '22:00', '07:00', false, -1, NULL, 0, NULL, true, '2026-11-20 08:30:00+00', NULL, NULL);


--
-- Data for Name: users; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO users VALUES ('telegram:1001', 'telegram', '张经理', '成都', '软件', '2026-11-27 18:45:24.280634+00', '2026-11-27 18:45:24.285048+00');
INSERT INTO users VALUES ('wechat:oABC', 'wechat', NULL, NULL, NULL, '2026-11-27 18:45:24.288965+00', '2026-11-27 18:45:24.288965+00');


--
-- Data for Name: wechat_calls; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO wechat_calls VALUES ('nonce1', '1763627400', 'abababababababababababababababababababababababababababababababab', '2026-11-20 08:30:00+00');


--
-- Data for Name: wechat_messages; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO wechat_messages VALUES ('oABC:1', '2026-11-20 08:30:00+00', '<xml>ok</xml>', 'oABC');


--
-- Data for Name: wechat_pending; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO wechat_pending VALUES (1, 'oABC', '2026-11-20 08:30:00+00', '[{"text": "简报", "image_b64": ""}]');


--
-- Data for Name: wechat_users; Type: TABLE DATA; Schema: t_6f2dafc9cffd; Owner: -
--

INSERT INTO wechat_users VALUES ('oABC', '2026-11-20 08:30:00+00', false, NULL);


--
-- Name: digest_deliveries_id_seq; Type: SEQUENCE SET; Schema: t_6f2dafc9cffd; Owner: -
--

SELECT pg_catalog.setval('digest_deliveries_id_seq', 1, true);


--
-- Name: schema_version_version_seq; Type: SEQUENCE SET; Schema: t_6f2dafc9cffd; Owner: -
--

SELECT pg_catalog.setval('schema_version_version_seq', 1, false);


--
-- Name: subscriptions_id_seq; Type: SEQUENCE SET; Schema: t_6f2dafc9cffd; Owner: -
--

SELECT pg_catalog.setval('subscriptions_id_seq', 2, true);


--
-- Name: wechat_pending_id_seq; Type: SEQUENCE SET; Schema: t_6f2dafc9cffd; Owner: -
--

SELECT pg_catalog.setval('wechat_pending_id_seq', 1, true);


--
-- Name: dialogue_sessions dialogue_sessions_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY dialogue_sessions
    ADD CONSTRAINT dialogue_sessions_pkey PRIMARY KEY (user_key);


--
-- Name: digest_deliveries digest_deliveries_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY digest_deliveries
    ADD CONSTRAINT digest_deliveries_pkey PRIMARY KEY (id);


--
-- Name: digest_leases digest_leases_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY digest_leases
    ADD CONSTRAINT digest_leases_pkey PRIMARY KEY (name);


--
-- Name: firm_profiles firm_profiles_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY firm_profiles
    ADD CONSTRAINT firm_profiles_pkey PRIMARY KEY (user_key);


--
-- Name: schema_version schema_version_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY schema_version
    ADD CONSTRAINT schema_version_pkey PRIMARY KEY (version);


--
-- Name: subscriptions subscriptions_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY subscriptions
    ADD CONSTRAINT subscriptions_pkey PRIMARY KEY (id);


--
-- Name: digest_deliveries uq_digest_delivery_period; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY digest_deliveries
    ADD CONSTRAINT uq_digest_delivery_period UNIQUE (subscription_id, period_key);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (user_key);


--
-- Name: wechat_calls wechat_calls_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY wechat_calls
    ADD CONSTRAINT wechat_calls_pkey PRIMARY KEY (nonce, "timestamp");


--
-- Name: wechat_messages wechat_messages_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY wechat_messages
    ADD CONSTRAINT wechat_messages_pkey PRIMARY KEY (msg_key);


--
-- Name: wechat_pending wechat_pending_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY wechat_pending
    ADD CONSTRAINT wechat_pending_pkey PRIMARY KEY (id);


--
-- Name: wechat_users wechat_users_pkey; Type: CONSTRAINT; Schema: t_6f2dafc9cffd; Owner: -
--

ALTER TABLE ONLY wechat_users
    ADD CONSTRAINT wechat_users_pkey PRIMARY KEY (openid);


--
-- Name: ix_digest_deliveries_period_key; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_digest_deliveries_period_key ON digest_deliveries USING btree (period_key);


--
-- Name: ix_digest_deliveries_status; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_digest_deliveries_status ON digest_deliveries USING btree (status);


--
-- Name: ix_digest_deliveries_subscription_id; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_digest_deliveries_subscription_id ON digest_deliveries USING btree (subscription_id);


--
-- Name: ix_digest_deliveries_user_key; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_digest_deliveries_user_key ON digest_deliveries USING btree (user_key);


--
-- Name: ix_digest_deliveries_watermark; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_digest_deliveries_watermark ON digest_deliveries USING btree (subscription_id, status, watermark_to);


--
-- Name: ix_subscriptions_active; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_subscriptions_active ON subscriptions USING btree (active);


--
-- Name: ix_subscriptions_user_key; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_subscriptions_user_key ON subscriptions USING btree (user_key);


--
-- Name: ix_wechat_calls_seen_at; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_wechat_calls_seen_at ON wechat_calls USING btree (seen_at);


--
-- Name: ix_wechat_messages_openid; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_wechat_messages_openid ON wechat_messages USING btree (openid);


--
-- Name: ix_wechat_messages_received_at; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_wechat_messages_received_at ON wechat_messages USING btree (received_at);


--
-- Name: ix_wechat_pending_openid; Type: INDEX; Schema: t_6f2dafc9cffd; Owner: -
--

CREATE INDEX ix_wechat_pending_openid ON wechat_pending USING btree (openid);


--
-- PostgreSQL database dump complete
--


