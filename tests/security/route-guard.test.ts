// Walks every registered route and proves that none outside the public list
// answers without the admin secret or session.
import { expect, it } from 'vitest'
import { describeRouteGuardWalk } from '../helpers/route-guard.ts'

describeRouteGuardWalk((app) => {
  it("a wrong x-admin-secret gets the sketch's Unauthorized page", async () => {
    const res = await app().inject({ url: '/metrics', headers: { 'x-admin-secret': 'nope', accept: 'text/html' } })
    expect(res.statusCode).toBe(401)
    expect(res.body).toBe('<h3>Unauthorized</h3>')
  })
})
