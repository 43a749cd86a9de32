#!/usr/bin/env node
// Starts the npm `telegram-test-api` Bot API emulator on loopback with the shims python-telegram-bot 22 needs.
//
//   node telegram_emulator.js [--host 127.0.0.1] [--port 0]
//
// Prints one line `READY <port>` on stdout once listening; exits when stdin closes or on SIGTERM,
// so a test runner that dies never leaves the emulator behind.
//
// Shims (telegram-test-api 4.2.1 was written for node bots, PTB 22 is stricter):
//   1. getMe carries `is_bot` (PTB's User requires it).
//   2. Message dates are seconds, not milliseconds (PTB would overflow datetime).
//   3. sendPhoto / sendDocument accept multipart uploads and are stored like bot messages,
//      with `_upload: {field, filename, size, mime, head_hex}` so tests can check the bytes.
//   4. Callback queries carry `chat_instance` (required by PTB's CallbackQuery).
//   5. getUpdates long-polls up to the requested `timeout` instead of spinning the bot's loop.
//   6. Webhook calls carry `X-Telegram-Bot-Api-Secret-Token` from setWebhook's `secret_token`.
//   7. getFile + file download for documents a test user uploads via POST /_innobot/sendDocument.
//   8. POST /_innobot/failNext {token, method, error_code, description, retry_after?} makes the
//      next call of `method` fail the way the real Bot API does (403 blocked, 429 flood control).
//   9. editMessageText / editMessageReplyMarkup answer with the message and can drop a keyboard.
//      POST /_innobot/pending {token} counts user updates the bot has not fetched yet.
//  10. setMyCommands / getMyCommands remember the command menu; other methods the emulator lacks
//      that only need `true` (sendChatAction, ...) acknowledge.
'use strict';

const crypto = require('crypto');
const path = require('path');

const pkgRoot = path.join(__dirname, 'node_modules', 'telegram-test-api', 'lib');
const { TelegramServer } = require(path.join(pkgRoot, 'telegramServer'));
const { routes } = require(path.join(pkgRoot, 'routes', 'index'));
const axios = require(path.join(__dirname, 'node_modules', 'axios'));

function argValue(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const toSeconds = (t) => (typeof t === 'number' && t > 1e11 ? Math.floor(t / 1000) : t);
const ok = (res, result) => res.json({ ok: true, result });
const TRUE_METHODS = [
  'deleteMyCommands', 'sendChatAction', 'setChatMenuButton', 'close', 'logOut',
];

const failures = new Map(); // `${token}/${method}` -> Telegram error body
const uploads = new Map(); // file_id -> {bytes, name, mime}
const commandMenus = new Map(); // token -> [{command, description}]

function botMessage(server, token, message) {
  const msg = server.addBotMessage(message, token);
  msg.date = toSeconds(msg.date);
  delete msg._upload;
  return msg;
}

async function readMultipart(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const response = new Response(Buffer.concat(chunks), {
    headers: { 'content-type': req.headers['content-type'] || '' },
  });
  return response.formData();
}

async function uploadedFile(form, field) {
  const value = form.get(field);
  if (value === null || typeof value === 'string') return { fileId: value, upload: null };
  const bytes = Buffer.from(await value.arrayBuffer());
  const fileId = `up-${crypto.randomBytes(6).toString('hex')}`;
  return {
    fileId,
    upload: {
      field, filename: value.name || null, size: bytes.length, mime: value.type || null,
      head_hex: bytes.subarray(0, 8).toString('hex'),
    },
  };
}

function mediaRoute(app, server, method, field) {
  app.post(`/bot:token/${method}`, async (req, res, next) => {
    try {
      const form = req.is('multipart/form-data') ? await readMultipart(req) : null;
      const get = (k) => (form ? form.get(k) : req.body[k]);
      const { fileId, upload } = form ? await uploadedFile(form, field) : { fileId: get(field), upload: null };
      const message = { chat_id: get('chat_id'), caption: get('caption') || undefined, _upload: upload };
      const markup = get('reply_markup');
      if (markup) message.reply_markup = markup;
      const unique = `u-${fileId}`;
      if (field === 'photo') {
        message.photo = [{ file_id: fileId, file_unique_id: unique, width: 1, height: 1, file_size: upload ? upload.size : 0 }];
      } else {
        message.document = {
          file_id: fileId, file_unique_id: unique, file_name: upload ? upload.filename : undefined,
          mime_type: upload ? upload.mime : undefined, file_size: upload ? upload.size : 0,
        };
      }
      ok(res, botMessage(server, req.params.token, message));
    } catch (err) {
      next(err);
    }
  });
}

function innobotRoutes(app, server) {
  // 8. failure injection, checked before every bot method
  app.post('/_innobot/failNext', (req, res) => {
    const { token, method, error_code: code, description, retry_after: retryAfter } = req.body;
    const body = { ok: false, error_code: Number(code), description: String(description) };
    if (retryAfter !== undefined) body.parameters = { retry_after: Number(retryAfter) };
    failures.set(`${token}/${method}`, body);
    ok(res, true);
  });
  app.post('/_innobot/pending', (req, res) => ok(res, server.storage.userMessages
    .filter((u) => u.botToken === req.body.token && !u.isRead).length));
  app.all('/bot:token/:method', (req, res, next) => {
    const key = `${req.params.token}/${req.params.method}`;
    const body = failures.get(key);
    if (!body) return next();
    failures.delete(key);
    return res.status(body.error_code).json(body);
  });

  // 1. getMe with is_bot
  app.all('/bot:token/getMe', (_req, res) => ok(res, {
    id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot',
    can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false,
  }));

  // 2. sendMessage answers with dates in seconds
  app.post('/bot:token/sendMessage', (req, res) => ok(res, botMessage(server, req.params.token, req.body)));

  // 2b. edits answer with the edited message (PTB parses it), and can remove a keyboard
  ['editMessageReplyMarkup', 'editMessageText'].forEach((method) => {
    app.post(`/bot:token/${method}`, (req, res) => {
      const body = TelegramServer.normalizeMessage({ ...req.body });
      const stored = server.storage.botMessages.find((u) => u.botToken === req.params.token
        && String(u.messageId) === String(body.message_id)
        && String(u.message.chat_id) === String(body.chat_id));
      if (!stored) {
        return res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
      }
      if (method === 'editMessageText') stored.message.text = body.text;
      if (body.reply_markup && body.reply_markup.inline_keyboard) stored.message.reply_markup = body.reply_markup;
      else delete stored.message.reply_markup;
      const m = stored.message;
      return ok(res, {
        message_id: stored.messageId, date: toSeconds(stored.time), text: m.text, caption: m.caption,
        reply_markup: m.reply_markup, chat: { id: Number(m.chat_id), type: 'private', first_name: 'Bot' },
      });
    });
  });

  // 3. media uploads
  mediaRoute(app, server, 'sendPhoto', 'photo');
  mediaRoute(app, server, 'sendDocument', 'document');

  // 5. long polling
  app.all('/bot:token/getUpdates', (req, res) => {
    const token = req.params.token;
    const timeout = Math.min(Number((req.body && req.body.timeout) || req.query.timeout || 0), 30);
    const pending = () => server.storage.userMessages.some((u) => u.botToken === token && !u.isRead);
    const reply = () => ok(res, server.getUpdates(token));
    if (timeout <= 0 || pending()) return reply();
    const events = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];
    let timer = null;
    const done = () => {
      clearTimeout(timer);
      events.forEach((e) => server.off(e, check));
      reply();
    };
    function check() { if (pending()) done(); }
    events.forEach((e) => server.on(e, check));
    timer = setTimeout(done, timeout * 1000);
    res.on('close', () => { clearTimeout(timer); events.forEach((e) => server.off(e, check)); });
    return undefined;
  });

  // 7. documents uploaded by a test user, getFile and the file download
  app.post('/_innobot/sendDocument', async (req, res, next) => {
    try {
      const { content_base64: b64, file_name: name, mime_type: mime, ...message } = req.body;
      const bytes = Buffer.from(b64 || '', 'base64');
      const fileId = `doc-${crypto.randomBytes(6).toString('hex')}`;
      uploads.set(fileId, { bytes, name, mime });
      message.document = { file_id: fileId, file_unique_id: `u-${fileId}`, file_name: name, mime_type: mime, file_size: bytes.length };
      await server.addUserMessage(message);
      ok(res, { file_id: fileId });
    } catch (err) {
      next(err);
    }
  });
  app.all('/bot:token/getFile', (req, res) => {
    const fileId = (req.body && req.body.file_id) || req.query.file_id;
    const file = uploads.get(fileId);
    if (!file) return res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
    return ok(res, { file_id: fileId, file_unique_id: `u-${fileId}`, file_size: file.bytes.length, file_path: `documents/${fileId}` });
  });
  app.get('/file/bot:token/documents/:fileId', (req, res) => {
    const file = uploads.get(req.params.fileId);
    if (!file) return res.status(404).end();
    return res.type('application/octet-stream').send(file.bytes);
  });

  // 10. methods that only acknowledge
  TRUE_METHODS.forEach((m) => app.all(`/bot:token/${m}`, (_req, res) => ok(res, true)));
  app.all('/bot:token/setMyCommands', (req, res) => {
    const raw = (req.body && req.body.commands) || '[]';
    commandMenus.set(req.params.token, typeof raw === 'string' ? JSON.parse(raw) : raw);
    ok(res, true);
  });
  app.all('/bot:token/getMyCommands', (req, res) => ok(res, commandMenus.get(req.params.token) || []));
  app.all('/bot:token/getWebhookInfo', (req, res) => {
    const hook = server.webhooks[req.params.token];
    ok(res, { url: hook ? hook.url : '', has_custom_certificate: false, pending_update_count: 0 });
  });
}

class ShimmedTelegramServer extends TelegramServer {
  // 4. chat_instance on callback queries, dates in seconds on every update
  static formatUpdate(update) {
    const formatted = TelegramServer.formatUpdate(update);
    const cq = formatted.callback_query;
    if (cq) {
      const chatId = cq.message && cq.message.chat ? cq.message.chat.id : (cq.from && cq.from.id);
      cq.chat_instance = String(chatId);
      if (cq.message) cq.message.date = toSeconds(cq.message.date);
    }
    if (formatted.message) formatted.message.date = toSeconds(formatted.message.date);
    return formatted;
  }

  getUpdates(token) {
    const messages = this.storage.userMessages.filter((u) => u.botToken === token && !u.isRead);
    return messages.map((u) => {
      u.isRead = true;
      return ShimmedTelegramServer.formatUpdate(u);
    });
  }

  // 6. webhook calls with the secret token header; a refused call is reported, never crashes node
  async addUserUpdate(update) {
    const webhook = this.webhooks[update.botToken];
    if (!webhook) {
      this.storage.userMessages.push(update);
      this.updateId++;
      return;
    }
    const headers = {};
    if (webhook.secret_token) headers['X-Telegram-Bot-Api-Secret-Token'] = webhook.secret_token;
    this.updateId++;
    try {
      await axios({ url: webhook.url, method: 'POST', data: ShimmedTelegramServer.formatUpdate(update), headers });
    } catch (err) {
      process.stderr.write(`webhook call failed: ${err.message}\n`);
    }
  }
}

async function main() {
  routes.unshift(innobotRoutes);
  const server = new ShimmedTelegramServer({ host: argValue('--host', '127.0.0.1'), port: 1 });
  server.config.port = Number(argValue('--port', '0'));
  await server.start();
  const { port } = server.server.address();
  process.stdout.write(`READY ${port}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.race([server.stop(), new Promise((r) => { setTimeout(r, 2000); })]);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

process.on('unhandledRejection', (err) => { process.stderr.write(`unhandled: ${err}\n`); });
main().catch((err) => {
  process.stderr.write(`emulator failed to start: ${err.stack || err}\n`);
  process.exit(1);
});
