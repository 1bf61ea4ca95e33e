// The LMS half of cmi5 (cmi5 spec §8–§10), as small as a launch needs: it serves the
// package, answers the AU's fetch URL once with an auth token, keeps the LMS.LaunchData
// document of each launch, and forwards every statement request to Ralph, the real LRS.
//
// Ralph implements the xAPI Statements resource only; cmi5 needs the State resource for
// LMS.LaunchData, which the LMS writes before a launch. So this LMS answers
// `activities/state` (and `agents/profile`, with "none") itself — said plainly here and in
// the README — and every statement the AU sends is recorded by Ralph.
import { randomUUID } from 'node:crypto';

import { serve } from './serve.mjs';

const SESSION_ID = 'https://w3id.org/xapi/cmi5/context/extensions/sessionid';

/** An LMS for the package in `dir`, in front of `lrs` (from startRalph); `mounts` adds
 * static folders (the run-time's files). */
export async function startLms(dir, lrs, mounts = {}) {
  const token = Buffer.from(`${lrs.user}:${lrs.password}`).toString('base64');
  const launchData = new Map();
  const fetched = new Set();
  const key = (q) => `${q.get('activityId')}|${q.get('registration')}|${q.get('stateId')}`;

  const routes = async (req, res) => {
    const url = new URL(req.url, 'http://lms');
    // Repeated slashes count as one, as web servers merge them by default: Rustici's cmi5
    // client, which real AUs ship, joins `endpoint + "/activities/state"` to an endpoint
    // that already ends in a slash.
    url.pathname = url.pathname.replace(/\/{2,}/g, '/');
    if (req.method === 'POST' && url.pathname.startsWith('/fetch/')) {
      const session = url.pathname.slice('/fetch/'.length);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (fetched.has(session)) {
        // cmi5 §8.2.3: a fetch URL answers once; later calls get an error code.
        res.end(JSON.stringify({ 'error-code': '1', 'error-text': 'already fetched' }));
      } else {
        fetched.add(session);
        res.end(JSON.stringify({ 'auth-token': token }));
      }
      return true;
    }
    if (url.pathname === '/xapi/activities/state') {
      // LMS.LaunchData, and what an AU keeps for itself (a bookmark), as an LRS keeps it.
      if (['PUT', 'POST'].includes(req.method)) {
        launchData.set(key(url.searchParams), JSON.parse((await read(req)).toString() || 'null'));
        res.writeHead(204).end();
        return true;
      }
      const doc = launchData.get(key(url.searchParams));
      if (req.method === 'GET' && doc) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
      } else {
        res.writeHead(404).end();
      }
      return true;
    }
    if (url.pathname === '/xapi/agents/profile') {
      res.writeHead(404).end();
      return true;
    }
    if (url.pathname.startsWith('/xapi/statements')) {
      const body = ['POST', 'PUT'].includes(req.method) ? await read(req) : undefined;
      const headers = { 'X-Experience-API-Version': req.headers['x-experience-api-version'] ?? '1.0.3' };
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
      const answer = await fetch(`${lrs.endpoint}statements${url.search}`, { method: req.method, headers, body });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
      return true;
    }
    return false;
  };
  const server = await serve({ '/package/': dir, ...mounts }, routes);
  return {
    url: server.url,
    close: server.close,
    /** Writes LMS.LaunchData for `au` (moveOn, masteryScore from cmi5.xml) and returns
     * the AU's launch URL for `actor`, with a new registration. */
    launch(au, actor, publisherId) {
      const registration = randomUUID();
      const session = randomUUID();
      const doc = {
        contextTemplate: {
          contextActivities: { grouping: [{ objectType: 'Activity', id: publisherId ?? au.id }] },
          extensions: { [SESSION_ID]: session },
        },
        launchMode: 'Normal',
        moveOn: au.moveOn,
        ...(au.masteryScore === null ? {} : { masteryScore: au.masteryScore }),
      };
      launchData.set(`${au.id}|${registration}|LMS.LaunchData`, doc);
      const params = new URLSearchParams({
        endpoint: `${server.url}/xapi/`,
        fetch: `${server.url}/fetch/${session}`,
        actor: JSON.stringify(actor),
        registration,
        activityId: au.id,
      });
      // An AU's URL may carry its own query (`index.html?pages=2`): cmi5 §8.1 adds the
      // launch parameters to it.
      const join = au.url.includes('?') ? '&' : '?';
      return { url: `${server.url}/package/${au.url}${join}${params}`, registration };
    },
    /** The statements Ralph recorded for a registration (straight from Ralph). */
    async recorded(registration) {
      const answer = await fetch(`${lrs.endpoint}statements?registration=${registration}&limit=500`, {
        headers: { authorization: `Basic ${token}`, 'X-Experience-API-Version': '1.0.3' },
      });
      if (!answer.ok) throw new Error(`Ralph answered ${answer.status}: ${await answer.text()}`);
      return (await answer.json()).statements;
    },
  };
}

function read(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The AU's moveOn satisfied by `statements` (cmi5 §9.6.2 / §10.2.4), as an LMS decides. */
export function satisfied(moveOn, statements) {
  const did = (verb) => statements.some((s) => s.verb.id === `http://adlnet.gov/expapi/verbs/${verb}`);
  switch (moveOn) {
    case 'Passed':
      return did('passed');
    case 'Completed':
      return did('completed');
    case 'CompletedAndPassed':
      return did('completed') && did('passed');
    case 'CompletedOrPassed':
      return did('completed') || did('passed');
    case 'NotApplicable':
      return true;
    default:
      throw new Error(`unknown moveOn ${moveOn}`);
  }
}
