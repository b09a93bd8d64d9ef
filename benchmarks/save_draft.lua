-- wrk script: trainees saving drafts as the editor's autosave does while they type.
--
-- Each wrk thread is one trainee (one connection per thread: -t N -c N), signed in with
-- their own session cookie and CSRF token. A save must name the version it was based
-- on, so each thread carries on from the version its last save returned.
--
-- BENCH_SAVE_SESSIONS: "cookie|csrf token|path|version;..." - one item per thread.
-- BENCH_SAVE_FIELDS:   the urlencoded answers, e.g. "answer_description=...&...".

local sessions = {}
for item in string.gmatch(os.getenv("BENCH_SAVE_SESSIONS") or "", "[^;]+") do
  local cookie, token, path, version = string.match(item, "([^|]+)|([^|]+)|([^|]+)|([^|]+)")
  table.insert(sessions, { cookie = cookie, token = token, path = path, version = version })
end
local fields = os.getenv("BENCH_SAVE_FIELDS") or ""
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

function init(args)
  me = sessions[number]
  headers = {
    ["Cookie"] = me.cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

function request()
  local body = "csrf_token=" .. me.token .. "&based_on=" .. me.version .. "&" .. fields
  return wrk.format("POST", me.path, headers, body)
end

function response(status, headers, body)
  local version = string.match(body, '"version":%s*(%d+)')
  -- A stale save (409) also names the latest version: carry on from it.
  if version then
    me.version = version
  end
end
