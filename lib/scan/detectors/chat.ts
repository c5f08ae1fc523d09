/**
 * Messaging and social platforms: Slack, Discord, Facebook.
 * Formats: Slack's token-types docs (xoxb/xoxp/xapp, xoxe.xoxp- configuration access tokens,
 * xoxe- refresh tokens, legacy xoxs/xoxa/xoxo workspace tokens; incoming and workflow webhooks);
 * Discord's bot-token structure (base64 user id . timestamp . HMAC) and webhook URLs; Facebook's
 * access tokens (EAA…), app secrets and app access tokens ("app_id|app_secret").
 * Cases follow gitleaks' rules/{slack,discord,facebook}.go and secretlint's slack snapshots,
 * with our own values.
 */
import {
  B62,
  B64URL,
  ROTATE,
  mixedCase,
  nearVendor,
  randomLooking,
  standalone,
  vendorNamed,
  type ScanRule,
} from "./kit";
import { entropy, isPlaceholder } from "../noise";

/** A Slack token's random tail (after its numeric ids) looks random; its ids are not "1234". */
function slackLooksReal(token: string): boolean {
  const parts = token.split("-");
  const tail = parts.at(-1) ?? "";
  if (isPlaceholder(tail) || entropy(tail) < 2.5) return false;
  return !parts.some(
    (p) => /^\d{4,}$/.test(p) && (/^(\d)\1+$/.test(p) || "1234567890".includes(p)),
  );
}

export const CHAT_RULES: readonly ScanRule[] = [
  {
    id: "slack-token",
    title: "Slack token",
    description:
      "A Slack token: bot (xoxb-), user (xoxp-), app-level (xapp-), configuration access (xoxe.xoxp-) and refresh (xoxe-) tokens, and legacy workspace tokens (xoxs-, xoxa-, xoxo-, xoxr-).",
    severity: "high",
    remediation: `Revoke the token in the Slack app settings. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(
          "(?:xox[abposre]-(?:\\d{6,14}-){1,3}[A-Za-z0-9]{10,64}|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,200}|xoxe-\\d-[A-Za-z0-9]{100,200}|xapp-\\d-[A-Z0-9]{8,14}-\\d{8,16}-[a-z0-9]{32,80})",
          B64URL,
        ),
        keywords: ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe", "xapp-"],
        validate: slackLooksReal,
      },
    ],
    cases: {
      tp: [
        (f) => `SLACK_BOT_TOKEN=xoxb-${f.digits(12)}-${f.digits(13)}-${f.mixed(24)}`,
        (f) =>
          `client = WebClient(token="xoxp-${f.digits(11)}-${f.digits(12)}-${f.digits(12)}-${f.hex(32)}")`,
        (f) =>
          `app_token: xapp-1-A${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}-${f.digits(13)}-${f.hex(64)}`,
        (f) => `"access_token": "xoxe.xoxp-1-${f.mixed(160)}"`,
        (f) => `refresh_token=xoxe-1-${f.mixed(146)}`,
        (f) => `legacy = 'xoxs-${f.digits(10)}-${f.digits(11)}-${f.digits(12)}-${f.hex(64)}'`,
      ],
      fp: [
        "SLACK_BOT_TOKEN=xoxb-my-bot-token",
        "token: xoxb-xxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx",
        (f) =>
          `"token": "xoxp-${f.digits(12)}-${f.digits(12)}-${f.digits(12)}-####################"`,
        "xoxp-1234-1234-1234-aaaabbbbccccddddeeeeffff00001111",
        "xoxe.xoxp-1-SlackConfigurationAccessTokenGoesHere",
      ],
    },
  },
  {
    id: "slack-webhook-url",
    title: "Slack webhook",
    description:
      "A Slack incoming-webhook or workflow-webhook URL: anyone holding it can post to the channel or start the workflow.",
    severity: "medium",
    remediation: `Regenerate the webhook in Slack. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /hooks\.slack\.com\/(?<secret>(?:services|workflows|triggers)\/T[A-Z0-9]{6,12}\/[A-Za-z0-9]{6,14}\/(?:\d{6,20}\/)?[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/g,
        keywords: ["hooks.slack.com"],
        validate: (s) => randomLooking(3.2)(s.slice(s.lastIndexOf("/") + 1)),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}/B${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}/${f.mixed(24)}`,
        (f) =>
          `requests.post("https://hooks.slack.com/workflows/T${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 9)}/A${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10)}/${f.digits(18)}/${f.mixed(24)}", json=body)`,
        (f) =>
          `webhook: https://hooks.slack.com/triggers/T${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 9)}/${f.digits(13)}/${f.hex(32)}`,
      ],
      fp: [
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/your-webhook-token",
        "See https://hooks.slack.com/workflows/ for workflow webhooks.",
      ],
    },
  },
  {
    id: "discord-token",
    title: "Discord token or webhook",
    description:
      "A Discord bot token (base64 id . timestamp . HMAC), a Discord webhook URL, or a client secret/API token assigned to a Discord name.",
    severity: "high",
    remediation: `Reset the token in the Discord developer portal, or delete the webhook. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(
          "[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}",
          `${B64URL}.`,
        ),
        // No literal is common to every bot token (its first part is a base64 user id).
        validate: (s) => mixedCase(s.split(".")[2]) && randomLooking(3.5)(s),
      },
      {
        pattern:
          /discord(?:app)?\.com\/api\/(?:v\d+\/)?webhooks\/(?<secret>\d{17,20}\/[A-Za-z0-9_-]{60,72})(?![A-Za-z0-9_-])/g,
        keywords: ["discord"],
        validate: (s) => randomLooking(3.5)(s.split("/")[1]),
      },
      nearVendor(["discord"], /discord/i, "[A-Za-z0-9_-]{32}|[a-f0-9]{64}", (s) =>
        randomLooking(3.3)(s),
      ),
    ],
    cases: {
      tp: [
        (f) => `client.login("M${f.b64url(25)}.${f.b64url(6)}.${f.mixed(38)}")`,
        (f) => `DISCORD_WEBHOOK=https://discord.com/api/webhooks/${f.digits(19)}/${f.b64url(68)}`,
        (f) => `discord_client_secret = "${f.mixed(32)}"`,
        (f) => `DISCORD_BOT_TOKEN: N${f.b64url(23)}.${f.b64url(6)}.${f.mixed(27)}`,
      ],
      fp: [
        "DISCORD_TOKEN=your-discord-bot-token",
        (f) => `discord_client_id = "${f.digits(18)}"`,
        "https://discord.com/api/webhooks/{webhook.id}/{webhook.token}",
        "bot.run('MTAxxxxxxxxxxxxxxxxxxxxx.Gxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')",
      ],
    },
  },
  {
    id: "facebook-token",
    title: "Facebook access token or app secret",
    description:
      "A Facebook/Meta access token (EAA…), an app access token (app id | app secret), or a 32-hex app secret assigned to a Facebook name.",
    severity: "high",
    remediation: `Reset the app secret or invalidate the token in the Meta developer dashboard. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("EAA[A-Za-z0-9]{80,400}", B62),
        keywords: ["eaa"],
        validate: (s) => mixedCase(s) && randomLooking(4.0, 3)(s),
      },
      {
        pattern: standalone("\\d{15,16}(?:\\||%7[Cc])[A-Za-z0-9_-]{27,40}", B64URL),
        keywords: ["facebook", "fb_", "graph"],
        validate: (s, ctx) =>
          randomLooking(3.3)(s.replace(/^\d+(?:\||%7[Cc])/, "")) &&
          vendorNamed(/facebook|\bfb|graph/i, 200)(ctx),
      },
      nearVendor(["facebook"], /facebook/i, "[a-f0-9]{32}", randomLooking(3.2)),
    ],
    cases: {
      tp: [
        (f) => `FB_PAGE_TOKEN=EAAB${f.mixed(180)}`,
        (f) => `facebook_app_secret: "${f.hex(32)}"`,
        (f) =>
          `graph_url = "https://graph.facebook.com/me?access_token=${f.digits(15)}|${f.b64url(27)}"`,
      ],
      fp: [
        "FACEBOOK_APP_SECRET=your-app-secret",
        (f) => `facebook_app_id: "${f.digits(15)}"`,
        (f) => `facebook pixel commit ${f.hex(32)}`,
      ],
    },
  },
];
