-- wrk script for bench/portal.sh: each request opens another customer's page, taking the
-- links (one per line) from the file named by $LINKS.
local links = {}
for line in io.lines(os.getenv("LINKS")) do links[#links + 1] = line end
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", links[(n % #links) + 1])
end
