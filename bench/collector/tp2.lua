-- POST /com.snowplowanalytics.snowplow/tp2 with a 1.2 KB payload_data batch (a page view with its
-- web_page context and a structured event), as @snowplow/browser-tracker 4.10 posts it.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")

wrk.method = "POST"
wrk.path = "/com.snowplowanalytics.snowplow/tp2"
wrk.body = [==[{"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[{"e":"pv","eid":"9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f","tv":"js-4.10.1","tna":"sp","aid":"shop-example","p":"web","cookie":"1","cs":"UTF-8","lang":"en-US","res":"1920x1080","cd":"24","tz":"Europe/Berlin","dtm":"1767225600120","vp":"1280x720","ds":"1280x3400","vid":"3","sid":"2b4c6d8e-0a1c-4e3f-8a5b-7c9d1e3f5a7b","duid":"7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d","refr":"https://www.search.example/search?q=garden+rake","url":"https://shop.example/products/garden/rake-2000?utm_source=newsletter&utm_medium=email","page":"Rake 2000 - Garden tools - Shop Example","co":"{\"schema\":\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0\",\"data\":[{\"schema\":\"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0\",\"data\":{\"id\":\"5e0b1f2a-8c3d-4e6f-9a7b-0c1d2e3f4a5b\"}}]}","stm":"1767225600123"},{"e":"se","se_ca":"basket","se_ac":"add","se_la":"rake-2000","se_pr":"qty","se_va":"1","eid":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","tv":"js-4.10.1","tna":"sp","aid":"shop-example","p":"web","dtm":"1767225600420","stm":"1767225600123","duid":"7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d","sid":"2b4c6d8e-0a1c-4e3f-8a5b-7c9d1e3f5a7b","vid":"3"}]}]==]
common.headers({ ["Content-Type"] = "application/json; charset=UTF-8" })
init = common.init
